import { Alert, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { PatientHeader as Header } from '../api/types';
import { useI18n } from '../i18n';
import { ageOn, dateWithWareki } from '../lib/dates';
import { allergyFacilities, mergeAllergies } from '../records/allergies';
import { PartnerLinks } from './PartnerLinks';

/**
 * Who the patient is: names, age, sex, ids per facility, and the allergy banner. `compact` (the image
 * viewer): the identity line alone, with the allergy count, so the images get the screen.
 */
export function PatientHeaderCard({ header, compact = false }: { header: Header; compact?: boolean }) {
  const { t, lang } = useI18n();
  const age = header.age ?? (header.birthDate ? ageOn(header.birthDate) : null);
  const allergies = header.allergies;
  // One line per allergen across facilities (the same allergen from two hospitals is one allergy).
  const allergyRows = allergies.allowed ? mergeAllergies(allergies.items) : [];
  const allergyCount = allergyRows.length;
  return (
    <>
      {/* Who this is stays on screen over long tabs (sticky; a normal block on paper). */}
      <Paper
        withBorder
        px="md"
        py="xs"
        radius="md"
        className="patient-sticky"
        component="section"
        aria-label={t('counter.identity')}
        data-testid="patient-identity"
      >
        <Group gap="lg" align="flex-end" wrap="wrap">
          <div>
            {header.name.kana && (
              <Text size="sm" c="dimmed" data-testid="patient-kana">
                {header.name.kana}
              </Text>
            )}
            <Title order={1} size="h2" data-testid="patient-name">
              {header.name.kanji ?? header.name.kana ?? header.personId}
            </Title>
          </div>
          <Text size="lg">
            {age !== null && t('patients.years', { age })}
            {header.sex && `　${t(`sex.${header.sex}`)}`}
          </Text>
          <Text size="sm">
            {t('patients.birthDate')}: {dateWithWareki(header.birthDate, lang)}
          </Text>
          {allergyCount > 0 && (
            <Badge color="red" variant="filled" radius="sm" tt="none" data-testid="allergy-flag">
              {t('counter.allergyFlag', { count: allergyCount })}
            </Badge>
          )}
        </Group>
      </Paper>
      {!compact && (
        <Paper withBorder p="md" radius="md" component="section" aria-label={t('patient.facilityIds')}>
          <Stack gap="xs">
            {header.identifiers.length > 0 && (
              <Group gap="xs" role="list" aria-label={t('patient.facilityIds')}>
                <Text size="xs" c="dimmed">
                  {t('patient.facilityIds')}:
                </Text>
                {header.identifiers.map((r) => (
                  <Badge
                    role="listitem"
                    key={`${r.facilityOid}/${r.localId}`}
                    variant="outline"
                    color={r.basis === 'break-glass' ? 'red' : 'gray'}
                    tt="none"
                    radius="sm"
                    styles={{ label: { color: 'var(--mantine-color-dark-7)' } }}
                  >
                    {r.facilityName} {r.localId}
                  </Badge>
                ))}
              </Group>
            )}
            <PartnerLinks personId={header.personId} />
            {allergies.allowed &&
              (allergies.items.length > 0 ? (
                <Alert
                  color="red"
                  variant="filled"
                  title={t('patient.allergies')}
                  role="note"
                  data-testid="allergy-banner"
                >
                  <Group gap="md">
                    {allergyRows.map((a) => (
                      <Text
                        key={a.key}
                        size="sm"
                        fw={a.criticality === 'high' ? 700 : 500}
                        data-testid="allergy-item"
                      >
                        {a.name}
                        {a.reactions.length > 0 && `：${a.reactions.join('、')}`}
                        <span>
                          （
                          {allergyFacilities(a)
                            .map((f) => f.name)
                            .join('、')}
                          ）
                        </span>
                      </Text>
                    ))}
                  </Group>
                </Alert>
              ) : (
                <Text size="sm" c="dimmed" data-testid="allergy-none">
                  {t('patient.allergies')}: {t('patient.noKnownAllergy')}
                </Text>
              ))}
          </Stack>
        </Paper>
      )}
    </>
  );
}
