import {
  Alert,
  Anchor,
  Button,
  Chip,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { PatientHeader, SourcedResource } from '../api/types';
import { useActiveSession } from '../auth/session';
import { mayEnterSomething } from '../entries/may-enter';
import { useI18n } from '../i18n';
import { DateField } from '../layout/DateField';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { PrintHeader } from '../layout/Print';
import { yearsAgo } from '../lib/dates';
import { useNetworkName } from '../lib/network-name';
import { PatientHeaderCard } from '../patient-header/PatientHeader';
import { TABS, type Tab } from '../records/fhir';
import {
  allowedTabs,
  SUMMARY_TABS,
  type TabData,
  useLabSummary,
  usePatientRecords,
  worstSources,
} from '../records/records';
import { BreakGlassDialog, rememberedGrant } from './BreakGlass';
import { labsTab } from './preload';
import { SourcesNotice } from './SourcesNotice';
import { AdmissionsTab } from './tabs/AdmissionsTab';
import { DiagnosesTab } from './tabs/DiagnosesTab';
import { DocumentsTab } from './tabs/DocumentsTab';
import { ImagingTab } from './tabs/ImagingTab';
import { MedicationsTab } from './tabs/MedicationsTab';
import { OrdersTab } from './tabs/OrdersTab';
import { SummaryTab } from './tabs/SummaryTab';
import { VisitsTab } from './tabs/VisitsTab';

// The lab tab carries the chart library: its own chunk, loaded when the tab may be shown (or before the
// login, by routes.tsx, when the link asks for it).
const LabsTab = labsTab.Component;

type Period = '1y' | '3y' | '5y' | 'all' | 'custom';

function periodStart(period: Period, custom: string): string | undefined {
  if (period === '1y') return yearsAgo(1);
  if (period === '3y') return yearsAgo(3);
  if (period === '5y') return yearsAgo(5);
  if (period === 'custom') return custom || undefined;
  return undefined;
}

/** The patient's record across facilities: header, filters, a tab per category that came back. */
export default function PatientPage() {
  const { personId = '' } = useParams();
  const { t } = useI18n();
  const network = useNetworkName();
  const session = useActiveSession();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [period, setPeriod] = useState<Period>((params.get('period') as Period | null) ?? '5y');
  const [from, setFrom] = useState(params.get('from') ?? '');
  const [to, setTo] = useState(params.get('to') ?? '');
  const [hiddenFacilities, setHiddenFacilities] = useState<string[]>([]);
  const range = { from: periodStart(period, from), to: period === 'custom' ? to || undefined : undefined };
  const path = `/patients/${encodeURIComponent(personId)}`;

  const header = useQuery({ queryKey: ['patient', personId], queryFn: () => api<PatientHeader>(path) });
  const categories = useMemo(
    () => [...new Set((header.data?.identifiers ?? []).flatMap((r) => r.categories))],
    [header.data],
  );
  const requested = params.get('tab') as Tab | null;
  // A link to the lab results: the test list is asked for with the header, not after it (the hub
  // applies the policy to it: a user without lab results gets an empty list and sees no lab tab),
  // and every other list waits until the chart is on screen.
  const labsFirst = requested === 'labs';
  const [labsDrawn, setLabsDrawn] = useState(false);
  const onLabsDrawn = useCallback(() => setLabsDrawn(true), []);
  const [labsOpened, setLabsOpened] = useState(labsFirst);
  // 概要 (the first tab) for whoever may see one of its sections (a pharmacist: problems, allergies,
  // medications). When it is the screen shown, its lists and the lab test list go first, the others
  // once it is drawn.
  const labsAllowed = categories.includes('lab-result') || categories.includes('bacteriology');
  const categoryTabs = allowedTabs(categories);
  const summaryAllowed =
    labsAllowed ||
    categories.includes('allergy') ||
    categories.includes('prescription') ||
    categoryTabs.has('documents') ||
    SUMMARY_TABS.some((tab) => categoryTabs.has(tab));
  const summaryFirst = summaryAllowed && (requested === null || requested === 'summary');
  const [summaryDrawn, setSummaryDrawn] = useState(false);
  const onSummaryDrawn = useCallback(() => setSummaryDrawn(true), []);
  const labSummary = useLabSummary(personId, range, labsOpened || (summaryFirst && labsAllowed));
  const primaryDone = labsFirst
    ? labsDrawn ||
      labSummary.isError ||
      (labSummary.isSuccess && !labSummary.data.tests.some((test) => test.numeric > 0))
    : summaryFirst && header.isSuccess
      ? summaryDrawn
      : undefined;
  const records = usePatientRecords(
    personId,
    categories,
    range,
    header.isSuccess,
    summaryFirst ? 'summary' : requested,
    primaryDone,
  );
  // The chart code loads while the results do, not after them.
  const mayShowLabs = categories.includes('lab-result') || categories.includes('bacteriology');
  useEffect(() => {
    if (mayShowLabs) void labsTab.preload().catch(() => undefined);
  }, [mayShowLabs]);
  const visible = (e: SourcedResource) => !hiddenFacilities.includes(e.facilityOid);

  const facilities = useMemo(
    () => (header.data?.identifiers ?? []).map((r) => ({ oid: r.facilityOid, name: r.facilityName })),
    [header.data],
  );
  const byTab = new Map<Tab, TabData & { shown: SourcedResource[] }>();
  for (const data of records.tabs) byTab.set(data.tab, { ...data, shown: data.entries.filter(visible) });
  const visitEntries: SourcedResource[] = [
    ...records.visits.filter(visible),
    ...[...byTab.values()].filter((d) => d.tab !== 'admissions').flatMap((d) => d.shown),
  ];
  const tabs = TABS.filter((tab) => {
    if (tab === 'summary') return summaryAllowed;
    // 受診歴 only where visits are a category the user may see (a pharmacist gets no visit list).
    if (tab === 'visits') return records.visitsAllowed && (records.visitsPending || visitEntries.length > 0);
    const data = byTab.get(tab);
    return !!data && (data.pending || data.shown.length > 0 || data.error !== null);
  });
  const activeTab = requested && tabs.includes(requested) ? requested : (tabs[0] ?? null);
  useEffect(() => {
    if (activeTab === 'labs') setLabsOpened(true);
  }, [activeTab]);
  // A tab switch shows the new tab at once, with a loading state until its content is drawn: the
  // URL change is a router transition, during which React would keep the old tab's data on screen.
  // The pick holds until the URL has caught up (or moved on: the browser's back button).
  const [picked, setPicked] = useState<{ tab: Tab; over: Tab | null } | null>(null);
  const shownTab = picked?.over === requested && tabs.includes(picked.tab) ? picked.tab : activeTab;
  const drawnTab = useDeferredValue(shownTab);
  const anyPending = records.visitsPending || records.tabs.some((d) => d.pending);

  if (header.isPending) return <Loading />;
  if (header.isError) {
    const hidden =
      header.error instanceof ApiError && (header.error.status === 404 || header.error.status === 403);
    const mayBreakGlass = session.user.profession === 'doctor' || session.user.profession === 'dentist';
    return (
      <Stack gap="md" maw={720}>
        {hidden ? (
          <Alert color="gray" data-testid="not-visible">
            {t('patient.notVisible')}
          </Alert>
        ) : (
          <ErrorAlert error={header.error} onRetry={() => void header.refetch()} />
        )}
        {hidden && mayBreakGlass && (
          <BreakGlassDialog
            personId={personId}
            onGranted={() => void queryClient.invalidateQueries({ queryKey: ['patient', personId] })}
          />
        )}
        <Anchor component={Link} to="/patients">
          {t('app.back')}
        </Anchor>
      </Stack>
    );
  }

  const grant = rememberedGrant(personId);
  const breakGlass = header.data.breakGlass ? { reason: grant?.reason ?? '' } : null;

  const selectTab = (tab: string | null) => {
    const next = new URLSearchParams(params);
    if (tab) setPicked({ tab: tab as Tab, over: requested });
    if (tab) next.set('tab', tab);
    setParams(next, { replace: true });
  };

  const panel = (tab: Tab) => {
    if (tab === 'summary') {
      const section = (of: Tab) => {
        const data = byTab.get(of);
        return data && { ...data, entries: data.shown };
      };
      return (
        <SummaryTab
          personId={personId}
          header={header.data}
          period={range}
          diagnoses={section('diagnoses')}
          admissions={section('admissions')}
          medications={section('medications')}
          medicationsAllowed={categories.includes('prescription')}
          documentCategories={categoryTabs.get('documents') ?? null}
          labs={
            labsAllowed
              ? {
                  tests: labSummary.data?.tests,
                  pending: labSummary.isPending,
                  error: labSummary.error,
                  refetch: () => void labSummary.refetch(),
                }
              : undefined
          }
          hiddenFacilities={hiddenFacilities}
          onDrawn={onSummaryDrawn}
          onOpenTab={selectTab}
        />
      );
    }
    if (tab === 'visits') {
      // Without the visit list every day would read 受付記録なし: wait for it, or say it failed.
      if (records.visitsPending) return <Loading />;
      if (records.visitsError)
        return <ErrorAlert error={records.visitsError} onRetry={records.refetchVisits} />;
      return <VisitsTab entries={visitEntries} />;
    }
    const data = byTab.get(tab);
    // The lab tab draws its chart from its own small queries while its full list is still coming.
    if (!data || (data.pending && tab !== 'labs')) return <Loading />;
    // A study's row joins its order (the orders list): drawn once both are in, so rows never jump.
    if (tab === 'imaging' && byTab.get('orders')?.pending) return <Loading />;
    if (data.error) return <ErrorAlert error={data.error} onRetry={data.refetch} />;
    return (
      <Stack gap="xs">
        {data.loadingMore && (
          <Group gap="xs" data-loading="true" role="status">
            <Loader size="xs" aria-hidden />
            <Text size="xs" c="dimmed">
              {t('patient.loadingOlder')}
            </Text>
          </Group>
        )}
        {tabBody(tab, data.shown, data.pending)}
      </Stack>
    );
  };

  const tabBody = (tab: Tab, entries: SourcedResource[], pending: boolean) => {
    switch (tab) {
      case 'diagnoses':
        return <DiagnosesTab entries={entries} period={range} />;
      case 'medications':
        return (
          <MedicationsTab
            personId={personId}
            period={range}
            entries={entries}
            hiddenFacilities={hiddenFacilities}
          />
        );
      case 'labs':
        return (
          <Suspense fallback={<Loading />}>
            <LabsTab
              personId={personId}
              period={range}
              entries={entries}
              entriesPending={pending}
              summary={labSummary.data}
              summaryPending={labSummary.isPending}
              hiddenFacilities={hiddenFacilities}
              onDrawn={onLabsDrawn}
            />
          </Suspense>
        );
      case 'imaging':
        return (
          <ImagingTab
            personId={personId}
            entries={entries}
            orders={byTab.get('orders')?.shown}
            documents={byTab.get('documents')?.shown}
          />
        );
      case 'documents':
        return <DocumentsTab personId={personId} entries={entries} />;
      case 'orders':
        return <OrdersTab entries={entries} />;
      case 'admissions':
        return <AdmissionsTab entries={entries} />;
    }
  };

  return (
    <Stack gap="md">
      {breakGlass && (
        <Alert color="red" variant="filled" role="alert" data-testid="break-glass-banner">
          {t('patient.breakGlassBanner', { reason: breakGlass.reason || '—' })}
        </Alert>
      )}
      <PatientHeaderCard header={header.data} />
      <PrintHeader
        title={shownTab ? t(`tabs.${shownTab}`) : network}
        patient={{
          kanji: header.data.name.kanji,
          kana: header.data.name.kana,
          birthDate: header.data.birthDate,
        }}
      />
      <Group justify="space-between" className="no-print">
        <Group gap="sm" wrap="wrap" align="flex-end" role="group" aria-label={t('patient.filters')}>
          <SegmentedControl
            aria-label={t('patient.period')}
            value={period}
            onChange={(v) => setPeriod(v as Period)}
            data={[
              { value: '1y', label: t('patient.period1y') },
              { value: '3y', label: t('patient.period3y') },
              { value: '5y', label: t('patient.period5y') },
              { value: 'all', label: t('patient.periodAll') },
              { value: 'custom', label: `${t('patient.from')}–${t('patient.to')}` },
            ]}
          />
          {period === 'custom' && (
            <>
              <DateField label={t('patient.from')} value={from} onChange={setFrom} size="xs" w={130} />
              <DateField label={t('patient.to')} value={to} onChange={setTo} size="xs" w={130} />
            </>
          )}
        </Group>
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => window.print()}>
            {t('app.print')}
          </Button>
          {/* 記録の入力: staff who may enter something, for a patient of their own facility. */}
          {!session.user.office &&
            (session.abilities?.enterRecords ?? true) &&
            mayEnterSomething(session.user.profession) &&
            header.data.identifiers.some((r) => r.facilityOid === session.facility.oid) && (
              <Button
                component={Link}
                to={`${path}/entries`}
                variant="light"
                size="xs"
                data-testid="open-entries"
              >
                {t('entries.open')}
              </Button>
            )}
          {/* The report is for the office and the administrators of facilities holding a record (hub rule). */}
          {(session.user.office ||
            (session.facility.role === 'admin' &&
              header.data.identifiers.some((r) => r.facilityOid === session.facility.oid))) && (
            <Button component={Link} to={`${path}/access-report`} variant="default" size="xs">
              {t('patient.accessReport')}
            </Button>
          )}
        </Group>
      </Group>
      {facilities.length > 1 && (
        <Group gap="xs" className="no-print" role="group" aria-label={t('patient.facility')}>
          {facilities.map((f) => (
            <Chip
              key={f.oid}
              size="xs"
              checked={!hiddenFacilities.includes(f.oid)}
              onChange={(on) =>
                setHiddenFacilities((h) => (on ? h.filter((x) => x !== f.oid) : [...h, f.oid]))
              }
            >
              {f.name}
            </Chip>
          ))}
        </Group>
      )}
      <SourcesNotice sources={worstSources([...records.sources, ...header.data.allergies.sources])} />
      {activeTab === null ? (
        anyPending ? (
          <Loading />
        ) : (
          <Alert color="gray">{t('patient.nothing')}</Alert>
        )
      ) : (
        <Tabs value={shownTab} onChange={selectTab} keepMounted={false}>
          <Tabs.List>
            {tabs.map((tab) => (
              <Tabs.Tab key={tab} value={tab} data-testid={`tab-${tab}`}>
                {t(`tabs.${tab}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Panel key={tab} value={tab} pt="md">
              {tab === drawnTab ? panel(tab) : <Loading />}
            </Tabs.Panel>
          ))}
        </Tabs>
      )}
    </Stack>
  );
}
