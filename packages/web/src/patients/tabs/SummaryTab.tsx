import { clinicalUnit, type LabTest } from '@hie/contract';
import { Alert, Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useMemo } from 'react';
import { api } from '../../api/client';
import type { PatientHeader, RecordsAnswer, SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { ErrorAlert, Loading } from '../../layout/Feedback';
import { todayInJapan, westernDate } from '../../lib/dates';
import { allergyFacilities, mergeAllergies } from '../../records/allergies';
import { mergeDiagnoses } from '../../records/diagnoses';
import { type CodeableConcept, conceptText, type Tab } from '../../records/fhir';
import { type KeyLab, keyLabs, type Trend } from '../../records/key-labs';
import { addDays, currentMedications, GRACE_DAYS, medicationSourceKey } from '../../records/medications';
import {
  CURRENT_MEDICATIONS_LOOKBACK_DAYS,
  type Period,
  useRecentPrescriptions,
} from '../../records/records';
import { stayLength, staysOf } from '../../records/stays';
import { FacilityBadge } from './common';
import { DiagnosisFlags, StatusBadge } from './DiagnosesTab';

/** A list the summary reads (one tab's query); absent when the user may not see that tab. */
export interface SummarySection {
  entries: readonly SourcedResource[];
  pending: boolean;
  loadingMore: boolean;
  error: unknown;
  refetch: () => void;
}

export interface SummaryLabs {
  tests: readonly LabTest[] | undefined;
  pending: boolean;
  error: unknown;
  refetch: () => void;
}

/** How far back the current medications look (as the medications tab: its query is shared). */
/** The longest supply of one prescription in practice (days). */
const MAX_SUPPLY_DAYS = 90;
const RECENT_STAYS = 3;
const RECENT_DOCUMENTS = 5;

function Section({
  title,
  testId,
  action,
  children,
}: {
  title: string;
  testId: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby={id} data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="nowrap" align="baseline">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

/** Loading, error or the body, for one section. */
function SectionBody({
  section,
  children,
}: {
  section: Pick<SummarySection, 'pending' | 'error' | 'refetch'>;
  children: ReactNode;
}) {
  if (section.error) return <ErrorAlert error={section.error} onRetry={section.refetch} />;
  if (section.pending) return <Loading />;
  return <>{children}</>;
}

function Sources({ facilities }: { facilities: readonly { oid: string; name: string }[] }) {
  return (
    <Group gap={4} wrap="wrap">
      {facilities.map((f) => (
        <FacilityBadge key={f.oid} oid={f.oid} name={f.name} />
      ))}
    </Group>
  );
}

const ARROW: Readonly<Record<Exclude<Trend, null>, string>> = { up: '↑', down: '↓', same: '→' };

function FlaggedValue({ value, unit, flag }: { value: string; unit: string; flag: 'H' | 'L' | 'A' | null }) {
  const shownUnit = clinicalUnit(unit);
  return (
    <Text
      span
      size="sm"
      className={flag === 'H' ? 'abnormal-high' : flag === 'L' ? 'abnormal-low' : undefined}
      style={{ whiteSpace: 'nowrap' }}
    >
      {value}
      {shownUnit && ` ${shownUnit}`}
      {flag && ` ${flag}`}
    </Text>
  );
}

function KeyLabsTable({ rows }: { rows: readonly KeyLab[] }) {
  const { t } = useI18n();
  return (
    <Table verticalSpacing={4} horizontalSpacing={6} striped>
      <caption className="visually-hidden">{t('summary.labs')}</caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('summary.test')}</Table.Th>
          <Table.Th>{t('summary.value')}</Table.Th>
          <Table.Th>{t('summary.trend')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.id} data-testid={`summary-lab-${r.id}`}>
            <Table.Td>
              <Text size="sm">{r.test.name}</Text>
            </Table.Td>
            <Table.Td>
              <FlaggedValue value={r.latest.value} unit={r.latest.unit} flag={r.latest.flag} />
              {/* The date and the facility of the result (plain text: it wraps in a narrow column). */}
              <Text size="xs" c="dark.4">
                <span style={{ whiteSpace: 'nowrap' }}>{westernDate(r.latest.date)}</span>{' '}
                <span data-testid="summary-lab-facility">{r.latest.facilityName}</span>
              </Text>
            </Table.Td>
            <Table.Td>
              {r.trend && r.previous ? (
                <Group gap={4} wrap="nowrap" align="baseline">
                  <Text span size="md" fw={700} aria-hidden>
                    {ARROW[r.trend]}
                  </Text>
                  <span className="visually-hidden">{t(`summary.${r.trend}`)}</span>
                  <Text span size="xs" c="dark.4">
                    {t('summary.previous')} {r.previous.value}{' '}
                    <span style={{ whiteSpace: 'nowrap' }}>{westernDate(r.previous.date)}</span>
                    {r.previous.facilityOid !== r.latest.facilityOid && ` ${r.previous.facilityName}`}
                  </Text>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  —
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A query as a section: its entries (without the hidden facilities' ones) and its state. */
function useSection(
  query: {
    data?: { entries: SourcedResource[] };
    isPending: boolean;
    error: unknown;
    refetch: () => unknown;
  },
  hiddenFacilities: readonly string[],
  allowed: boolean,
): SummarySection | undefined {
  const { data, isPending, error, refetch } = query;
  const entries = useMemo(
    () => (data?.entries ?? []).filter((e) => !hiddenFacilities.includes(e.facilityOid)),
    [data, hiddenFacilities],
  );
  if (!allowed) return undefined;
  return { entries, pending: isPending, loadingMore: false, error, refetch: () => void refetch() };
}

/**
 * The lists the summary asks for itself, smaller than the tabs' (which wait until it is drawn): the
 * prescriptions of the last year (the medications tab's own "current" query, shared), and the newest
 * documents of the period.
 */
function useSummaryQueries(
  personId: string,
  period: Period,
  medicationsAllowed: boolean,
  documentCategories: readonly string[] | null,
) {
  const meds = useRecentPrescriptions(personId, medicationsAllowed).query;
  const documents = useQuery({
    queryKey: [
      'patient',
      personId,
      'documents',
      'recent',
      documentCategories,
      period.from ?? '',
      period.to ?? '',
    ],
    queryFn: () =>
      api<RecordsAnswer>(`/patients/${encodeURIComponent(personId)}/records`, {
        query: {
          category: (documentCategories ?? []).join(','),
          type: 'DocumentReference',
          from: period.from,
          to: period.to,
          limit: RECENT_DOCUMENTS * 2,
          offset: 0,
        },
      }),
    enabled: documentCategories !== null && documentCategories.length > 0,
  });
  return { meds, documents };
}

/**
 * 概要: the patient across facilities on one screen — active problems, allergies, current
 * medications, the latest key results with their trend, recent admissions and documents — each row
 * with its source facilities. A section shows only when the user may see its records.
 */
export function SummaryTab({
  personId,
  header,
  period,
  diagnoses,
  admissions,
  medications,
  medicationsAllowed,
  documentCategories,
  labs,
  hiddenFacilities,
  onDrawn,
  onOpenTab,
}: {
  personId: string;
  header: PatientHeader;
  period: Period;
  diagnoses?: SummarySection;
  admissions?: SummarySection;
  /** The medications tab's list of the period (it comes after the summary is drawn). */
  medications?: SummarySection;
  /** Current medications: the user may see prescriptions. */
  medicationsAllowed: boolean;
  /** The document categories the user may see (null: none). */
  documentCategories: readonly string[] | null;
  labs?: SummaryLabs;
  hiddenFacilities: readonly string[];
  onDrawn?: () => void;
  onOpenTab: (tab: Tab) => void;
}) {
  const { t } = useI18n();
  const today = todayInJapan();
  const own = useSummaryQueries(personId, period, medicationsAllowed, documentCategories);
  const meds = useSection(own.meds, hiddenFacilities, medicationsAllowed);
  const documents = useSection(own.documents, hiddenFacilities, !!documentCategories?.length);

  const diagnosisEntries = diagnoses?.entries;
  // The current list is drawn from the last year; once the medications tab's longer list is in, from it,
  // so a drug taken for years shows when its course began, not the year's first refill.
  const lookbackFrom = addDays(today, -CURRENT_MEDICATIONS_LOOKBACK_DAYS);
  const longer =
    medications &&
    !medications.pending &&
    !medications.loadingMore &&
    !medications.error &&
    !period.to &&
    (!period.from || period.from < lookbackFrom);
  const medicationEntries = longer ? medications.entries : meds?.entries;
  // A course starting this close to the first day of the data may have started before it.
  const medicationsFrom = longer ? (period.from ?? null) : lookbackFrom;
  const startShown = (start: string) =>
    medicationsFrom && start < addDays(medicationsFrom, MAX_SUPPLY_DAYS + GRACE_DAYS)
      ? t('summary.sinceOrBefore', { date: westernDate(start) })
      : t('summary.since', { date: westernDate(start) });
  const admissionEntries = admissions?.entries;
  const documentEntries = documents?.entries;
  const labTests = labs?.tests;
  const problems = useMemo(
    () => (diagnosisEntries ? mergeDiagnoses(diagnosisEntries).filter((r) => r.active) : []),
    [diagnosisEntries],
  );
  const allergies = useMemo(() => mergeAllergies(header.allergies.items), [header.allergies.items]);
  const current = useMemo(
    () => (medicationEntries ? currentMedications(medicationEntries, today) : []),
    [medicationEntries, today],
  );
  const labRows = useMemo(() => keyLabs(labTests ?? [], hiddenFacilities), [labTests, hiddenFacilities]);
  const stays = useMemo(
    () =>
      admissionEntries
        ? staysOf(admissionEntries)
            .filter((s) => s.status !== 'planned')
            .slice(0, RECENT_STAYS)
        : [],
    [admissionEntries],
  );
  const docs = useMemo(
    () =>
      (documentEntries ?? [])
        .filter((e) => e.resource.resourceType === 'DocumentReference')
        .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))
        .slice(0, RECENT_DOCUMENTS),
    [documentEntries],
  );

  const settled = (s: { pending: boolean; loadingMore?: boolean; error: unknown } | undefined) =>
    !s || s.error !== null || (!s.pending && !s.loadingMore);
  const drawn = [diagnoses, meds, admissions, documents, labs].every((s) =>
    settled(s as { pending: boolean; loadingMore?: boolean; error: unknown } | undefined),
  );
  useEffect(() => {
    if (drawn) onDrawn?.();
  }, [drawn, onDrawn]);

  const open = (tab: Tab) => (
    <Anchor component="button" type="button" size="xs" onClick={() => onOpenTab(tab)} className="no-print">
      {t('summary.showTab', { tab: t(`tabs.${tab}`) })}
    </Anchor>
  );

  return (
    <Stack gap="sm" data-testid="summary" data-rendered={drawn ? 'true' : 'false'}>
      {period.to && (
        <Alert color="gray" variant="light" p="xs">
          <Text size="xs">{t('summary.periodNote')}</Text>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm" verticalSpacing="sm">
        {diagnoses && (
          <Section title={t('summary.problems')} testId="summary-problems" action={open('diagnoses')}>
            <SectionBody section={diagnoses}>
              {problems.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('summary.noProblems')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {problems.map((p) => (
                    <Group
                      key={p.key}
                      gap="xs"
                      justify="space-between"
                      wrap="wrap"
                      data-testid="summary-problem"
                      align="flex-start"
                    >
                      <Stack gap={2}>
                        <Group gap={6}>
                          <Text size="sm" fw={600}>
                            {p.name}
                          </Text>
                          <DiagnosisFlags row={p} />
                        </Group>
                        <Text size="xs" c="dimmed">
                          {t('summary.since', { date: westernDate(p.onset) })}
                        </Text>
                        {p.statuses.length > 1 && (
                          <Group gap={4}>
                            {p.sources
                              .filter((s) => s.status !== 'active')
                              .map((s) => (
                                <Group key={`${s.facilityOid}/${s.id}`} gap={4}>
                                  <StatusBadge status={s.status} />
                                  <Text size="xs">{s.facilityName}</Text>
                                </Group>
                              ))}
                          </Group>
                        )}
                      </Stack>
                      <Sources
                        facilities={[
                          ...new Map(p.sources.map((s) => [s.facilityOid, s.facilityName])).entries(),
                        ].map(([oid, name]) => ({ oid, name }))}
                      />
                    </Group>
                  ))}
                </Stack>
              )}
            </SectionBody>
          </Section>
        )}
        {header.allergies.allowed && (
          <Section title={t('summary.allergies')} testId="summary-allergies">
            {allergies.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('patient.noKnownAllergy')}
              </Text>
            ) : (
              <Stack gap={6}>
                {allergies.map((a) => (
                  <Group
                    key={a.key}
                    gap="xs"
                    justify="space-between"
                    wrap="wrap"
                    data-testid="summary-allergy"
                  >
                    <Text size="sm" fw={a.criticality === 'high' ? 700 : 600} c="red.9">
                      {a.name}
                      {a.reactions.length > 0 && (
                        <Text span size="sm" c="dark.7" fw={400}>
                          ：{a.reactions.join('、')}
                        </Text>
                      )}
                    </Text>
                    <Sources facilities={allergyFacilities(a)} />
                  </Group>
                ))}
              </Stack>
            )}
          </Section>
        )}
        {meds && (
          <Section title={t('summary.meds')} testId="summary-medications" action={open('medications')}>
            <SectionBody section={meds}>
              {current.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('summary.noMeds')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {current.map((m) => (
                    <Group
                      key={m.key}
                      gap="xs"
                      justify="space-between"
                      wrap="wrap"
                      data-testid="summary-medication"
                    >
                      <Stack gap={2}>
                        <Group gap={6}>
                          <Text size="sm" fw={600}>
                            {m.name}
                          </Text>
                          {m.duplicate && (
                            <Badge size="sm" color="red.8" variant="filled">
                              {t('summary.duplicate')}
                            </Badge>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {[m.dose, m.startDate && startShown(m.startDate)].filter(Boolean).join('　')}
                        </Text>
                      </Stack>
                      <Group gap={4} wrap="wrap">
                        {m.sources.map((s) => (
                          <Group key={medicationSourceKey(s)} gap={2} wrap="nowrap">
                            <FacilityBadge oid={s.facilityOid} name={s.facilityName} />
                            {s.kind === 'dispense' && (
                              <Text size="xs" c="dimmed" data-testid="summary-source-dispensed">
                                {t('medications.dispensed')}
                              </Text>
                            )}
                            {s.inHouse !== null && (
                              <Text size="xs" c="dimmed">
                                {s.inHouse ? t('summary.inHouse') : t('summary.outOfHouse')}
                              </Text>
                            )}
                          </Group>
                        ))}
                      </Group>
                    </Group>
                  ))}
                </Stack>
              )}
            </SectionBody>
          </Section>
        )}
        {labs && (
          <Section title={t('summary.labs')} testId="summary-labs" action={open('labs')}>
            <SectionBody section={labs}>
              {labRows.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('summary.noLabs')}
                </Text>
              ) : (
                <KeyLabsTable rows={labRows} />
              )}
            </SectionBody>
          </Section>
        )}
        {admissions && (
          <Section title={t('summary.admissions')} testId="summary-admissions" action={open('admissions')}>
            <SectionBody section={admissions}>
              {stays.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('summary.noAdmissions')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {stays.map((s) => {
                    const length = stayLength(s, today);
                    return (
                      <Group
                        key={s.key}
                        gap="xs"
                        justify="space-between"
                        wrap="wrap"
                        data-testid="summary-stay"
                      >
                        <Stack gap={2}>
                          <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                            {westernDate(s.admitted)}〜
                            {s.status === 'discharged' ? westernDate(s.discharged) : t('summary.inpatient')}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {[
                              s.departments.join('→'),
                              length && t('summary.stayLength', { nights: length.nights, days: length.days }),
                            ]
                              .filter(Boolean)
                              .join('　')}
                          </Text>
                        </Stack>
                        <FacilityBadge oid={s.facilityOid} name={s.facilityName} />
                      </Group>
                    );
                  })}
                </Stack>
              )}
            </SectionBody>
          </Section>
        )}
        {documents && (
          <Section title={t('summary.documents')} testId="summary-documents" action={open('documents')}>
            <SectionBody section={documents}>
              {docs.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('summary.noDocuments')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {docs.map((d) => (
                    <Group
                      key={`${d.facilityOid}/${d.resource.id}`}
                      gap="xs"
                      justify="space-between"
                      wrap="wrap"
                      data-testid="summary-document"
                    >
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {westernDate(d.date)}
                        </Text>
                        <Text size="sm" fw={600}>
                          {documentKind(d)}
                        </Text>
                      </Group>
                      <FacilityBadge oid={d.facilityOid} name={d.facilityName} />
                    </Group>
                  ))}
                </Stack>
              )}
            </SectionBody>
          </Section>
        )}
      </SimpleGrid>
    </Stack>
  );
}

/** The document's kind as the facility names it (退院時サマリ, 診療情報提供書 …). */
function documentKind(entry: SourcedResource): string {
  const r = entry.resource;
  const type = conceptText(r.type as CodeableConcept | undefined);
  if (type !== '—') return type;
  return conceptText((r.category as CodeableConcept[] | undefined)?.[0]);
}
