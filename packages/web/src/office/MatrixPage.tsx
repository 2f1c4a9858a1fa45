import { CATEGORY_CODES, CATEGORY_LABELS } from '@hie/contract';
import { Alert, Button, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useProfessions } from '../api/hooks';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';

type Matrix = Record<string, string[]>;
type Shape = 'matrix' | 'professions' | 'rows' | 'plain';

/** Reads the matrix whichever of the plausible shapes the hub answers, remembering it for the PUT. */
function readMatrix(answer: unknown): { matrix: Matrix; shape: Shape } {
  const a = answer as Record<string, unknown>;
  if (a.matrix && typeof a.matrix === 'object') return { matrix: a.matrix as Matrix, shape: 'matrix' };
  if (Array.isArray(a.professions)) {
    const matrix: Matrix = {};
    for (const p of a.professions as { profession?: string; code?: string; categories: string[] }[]) {
      matrix[p.profession ?? p.code ?? ''] = p.categories;
    }
    return { matrix, shape: 'professions' };
  }
  if (Array.isArray(a.rows) || Array.isArray(a.cells)) {
    const matrix: Matrix = {};
    for (const r of (a.rows ?? a.cells) as { profession: string; category: string }[]) {
      matrix[r.profession] = [...(matrix[r.profession] ?? []), r.category];
    }
    return { matrix, shape: 'rows' };
  }
  return { matrix: a as Matrix, shape: 'plain' };
}

function writeMatrix(matrix: Matrix, shape: Shape): unknown {
  if (shape === 'professions') {
    return {
      professions: Object.entries(matrix).map(([profession, categories]) => ({ profession, categories })),
    };
  }
  if (shape === 'rows') {
    return {
      rows: Object.entries(matrix).flatMap(([profession, cats]) =>
        cats.map((category) => ({ profession, category })),
      ),
    };
  }
  if (shape === 'plain') return matrix;
  return { matrix };
}

/** 職種 × 情報項目: which categories each profession may see (deny by default). */
export default function MatrixPage() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const professions = useProfessions();
  const answer = useQuery({
    queryKey: ['admin', 'policy', 'professions'],
    queryFn: () => api<unknown>('/admin/policy/professions'),
  });
  const [draft, setDraft] = useState<Matrix | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const read = answer.data ? readMatrix(answer.data) : null;

  useEffect(() => {
    if (read && draft === null) setDraft(read.matrix);
  }, [read, draft]);

  if (answer.isPending || professions.isPending) return <Loading />;
  if (answer.isError) return <ErrorAlert error={answer.error} onRetry={() => void answer.refetch()} />;
  const matrix = draft ?? read?.matrix ?? {};
  const rows = (professions.data ?? []).filter((p) => p.code !== 'office');

  const toggle = (profession: string, category: string, on: boolean) => {
    setSaved(false);
    setDraft((m) => {
      const current = { ...(m ?? {}) };
      const list = new Set(current[profession] ?? []);
      if (on) list.add(category);
      else list.delete(category);
      current[profession] = CATEGORY_CODES.filter((c) => list.has(c));
      return current;
    });
  };

  const save = async () => {
    setError(null);
    try {
      await api('/admin/policy/professions', {
        method: 'PUT',
        body: writeMatrix(matrix, read?.shape ?? 'matrix'),
      });
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: ['admin', 'policy'] });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('office.matrix')}
        </Title>
        <Button onClick={() => void save()}>{t('app.save')}</Button>
      </Group>
      <Text size="sm">{t('office.matrixHint')}</Text>
      {saved && <Alert color="teal">{t('app.saved')}</Alert>}
      {error !== null && <Alert color="red">{errorMessage(error, lang)}</Alert>}
      <Table.ScrollContainer minWidth={900} maxHeight="70vh">
        <Table withColumnBorders stickyHeader verticalSpacing={4} horizontalSpacing={4} fz="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th className="sticky-col">{t('office.profession')}</Table.Th>
              {CATEGORY_CODES.map((c) => (
                <Table.Th
                  key={c}
                  style={{
                    writingMode: 'vertical-rl',
                    whiteSpace: 'nowrap',
                    height: 150,
                    verticalAlign: 'bottom',
                  }}
                >
                  {CATEGORY_LABELS[c][lang]}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.code}>
                <Table.Th scope="row" className="sticky-col" style={{ whiteSpace: 'nowrap' }}>
                  {p[lang]}
                </Table.Th>
                {CATEGORY_CODES.map((c) => (
                  <Table.Td key={c} style={{ textAlign: 'center' }}>
                    <Checkbox
                      size="xs"
                      aria-label={`${p[lang]} × ${CATEGORY_LABELS[c][lang]}`}
                      checked={(matrix[p.code] ?? []).includes(c)}
                      onChange={(e) => toggle(p.code, c, e.currentTarget.checked)}
                      styles={{ body: { justifyContent: 'center' } }}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
