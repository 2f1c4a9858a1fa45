import { Anchor, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { MpiPersonAnswer } from '../api/types';
import { useI18n } from '../i18n';
import { dateWithWareki } from '../lib/dates';

/** A person of the patient index by name (office screens): kanji, kana and birth date, linked to the report. */
export function PersonName({ personId }: { personId: string }) {
  const { lang } = useI18n();
  const person = useQuery({
    queryKey: ['admin', 'mpi', 'person', personId],
    queryFn: () => api<MpiPersonAnswer>(`/admin/mpi/persons/${encodeURIComponent(personId)}`),
    staleTime: 5 * 60_000,
  });
  const p = person.data?.person;
  return (
    <Stack gap={0}>
      <Anchor
        component={Link}
        to={`/patients/${encodeURIComponent(personId)}/access-report`}
        fw={600}
        size="sm"
      >
        {p?.name_kanji ?? p?.name_kana ?? personId.slice(0, 8)}
      </Anchor>
      {p && (
        <Text size="xs" c="dimmed">
          {p.name_kana} {p.birth_date ? dateWithWareki(p.birth_date, lang) : ''}
        </Text>
      )}
    </Stack>
  );
}
