import { Group, SegmentedControl, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { ErrorAlert, Loading } from '../../layout/Feedback';
import { todayInJapan } from '../../lib/dates';
import { categoryOf } from '../../records/fhir';
import { drugTimeline } from '../../records/medication-timeline';
import { addDays, medicationOverview, prescriptionPeriods } from '../../records/medications';
import {
  CURRENT_MEDICATIONS_LOOKBACK_DAYS,
  type Period,
  useRecentPrescriptions,
} from '../../records/records';
import { MedicationsClaims } from './MedicationsClaims';
import { CurrentMedications } from './MedicationsCurrent';
import { MedicationsDispensings } from './MedicationsDispensings';
import { MedicationsHistory } from './MedicationsHistory';
import { MedicationsTimeline } from './MedicationsTimeline';

type View = 'current' | 'drugs' | 'history' | 'dispensings' | 'claims';
type Kind = 'prescription' | 'injection';

/** How far back the current list looks: longer than any supply (≤ 90 days in practice) plus the grace. */

/**
 * 処方・注射: 現在の処方 (one row per drug across facilities, pharmacies' dispensings among the sources,
 * 重複投薬 warning), 薬剤別 (supply periods per drug and facility), 処方歴 (the prescriptions with their
 * Rp groups), and — when the period has them — 調剤（薬局） (every MedicationDispense) and レセプト由来
 * (every MedicationStatement: a claim's drugs, never current). Injections keep their own switch in 薬剤別
 * and 処方歴.
 */
export function MedicationsTab({
  personId,
  period,
  entries,
  hiddenFacilities,
}: {
  personId: string;
  period: Period;
  entries: readonly SourcedResource[];
  hiddenFacilities: readonly string[];
}) {
  const { t } = useI18n();
  const today = todayInJapan();
  const lookbackFrom = addDays(today, -CURRENT_MEDICATIONS_LOOKBACK_DAYS);
  // The current list needs the last year up to today, whatever the period on screen.
  const periodCovers = (!period.from || period.from <= lookbackFrom) && (!period.to || period.to >= today);
  const recent = useRecentPrescriptions(personId, !periodCovers).query;
  const currentSource = useMemo(
    () =>
      periodCovers
        ? entries
        : (recent.data?.entries ?? []).filter((e) => !hiddenFacilities.includes(e.facilityOid)),
    [periodCovers, entries, recent.data, hiddenFacilities],
  );
  const overview = useMemo(() => medicationOverview(currentSource, today), [currentSource, today]);

  const has = useMemo(() => {
    const types = new Set(entries.map((e) => e.resource.resourceType));
    return { dispensings: types.has('MedicationDispense'), claims: types.has('MedicationStatement') };
  }, [entries]);
  const kinds = useMemo(() => {
    const k = new Set(entries.map((e) => categoryOf(e)));
    return (['prescription', 'injection'] as const).filter((x) => k.has(x));
  }, [entries]);
  const [view, setView] = useState<View>(
    kinds.includes('prescription') || kinds.length === 0 ? 'current' : 'history',
  );
  const [chosenKind, setKind] = useState<Kind>(kinds[0] ?? 'prescription');
  const kind = kinds.includes(chosenKind) ? chosenKind : (kinds[0] ?? 'prescription');
  const ofKind = useMemo(() => entries.filter((e) => categoryOf(e) === kind), [entries, kind]);
  const timeline = useMemo(() => {
    if (view !== 'drugs') return null;
    const periods = prescriptionPeriods(ofKind);
    // The window runs to today, or on to the end of a supply still running.
    const running = periods
      .filter((p) => p.start && p.assumedEnd && p.start <= today && p.status === 'active')
      .reduce((max, p) => [max, p.assumedEnd!].sort()[1]!, today); // the later day (ISO days)
    return drugTimeline(periods, { from: period.from ?? null, to: period.to ?? running }, today);
  }, [view, ofKind, period.from, period.to, today]);

  const views: { value: View; label: string }[] = [
    ...(kinds.includes('prescription')
      ? [{ value: 'current' as const, label: t('medications.current') }]
      : []),
    { value: 'drugs', label: t('medications.byDrug') },
    { value: 'history', label: t('medications.history') },
    ...(has.dispensings ? [{ value: 'dispensings' as const, label: t('medications.dispensings') }] : []),
    ...(has.claims ? [{ value: 'claims' as const, label: t('medications.claims') }] : []),
  ];
  // A view whose records are gone (another period) falls back to the first one.
  const shownView = views.some((v) => v.value === view) ? view : views[0]!.value;
  return (
    <Stack gap="md">
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label={t('medications.views')}
          data-testid="meds-view"
          value={shownView}
          onChange={(v) => setView(v as View)}
          data={views}
        />
        {(shownView === 'drugs' || shownView === 'history') && kinds.length > 1 && (
          <SegmentedControl
            aria-label={t('medications.kind')}
            value={kind}
            onChange={(v) => setKind(v === 'injection' ? 'injection' : 'prescription')}
            data={kinds.map((k) => ({ value: k, label: t(`meds.${k}`) }))}
          />
        )}
      </Group>
      {shownView === 'current' &&
        (!periodCovers && recent.isPending ? (
          <Loading />
        ) : !periodCovers && recent.isError ? (
          <ErrorAlert error={recent.error} onRetry={() => void recent.refetch()} />
        ) : (
          <CurrentMedications
            medications={overview.current}
            duplicates={overview.duplicates}
            today={today}
            recentOnly={!periodCovers}
          />
        ))}
      {shownView === 'drugs' && timeline && <MedicationsTimeline timeline={timeline} today={today} />}
      {shownView === 'history' && <MedicationsHistory entries={ofKind} injection={kind === 'injection'} />}
      {shownView === 'dispensings' && <MedicationsDispensings entries={entries} />}
      {shownView === 'claims' && <MedicationsClaims entries={entries} />}
    </Stack>
  );
}
