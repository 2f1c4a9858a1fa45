import { Anchor, Badge, Button, Group, Pagination, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { AccessReport, AccessReportEntry, MpiPersonAnswer, PatientHeader } from '../api/types';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { PrintHeader } from '../layout/Print';
import { dateWithWareki, westernDateTime } from '../lib/dates';
import { type Column, DataTable } from './tabs/common';

/** Rows per screen page; the hub's largest page; the most events a report reads (and prints). */
const PAGE = 100;
const FETCH = 500;
const MAX_EVENTS = 20_000;

/**
 * Every event of the report, page by page (the hub gives at most 500 at a time): the screen pages
 * through them and the printout carries all of them, not only the page on screen.
 */
async function fetchWholeReport(path: string): Promise<AccessReport> {
  const first = await api<AccessReport>(`${path}/access-report`, { query: { limit: FETCH, offset: 0 } });
  const entries = [...first.entries];
  const last = Math.min(first.total, MAX_EVENTS);
  for (let offset = FETCH; offset < last; offset += FETCH) {
    const next = await api<AccessReport>(`${path}/access-report`, { query: { limit: FETCH, offset } });
    if (next.entries.length === 0) break;
    entries.push(...next.entries);
  }
  return { ...first, entries };
}

/** 「誰がこの記録を見たか」: the audit log's views, searches and emergency accesses of one person; printable. */
export default function AccessReportPage() {
  const { personId = '' } = useParams();
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const path = `/patients/${encodeURIComponent(personId)}`;
  const session = useActiveSession();
  // Whose report: the office reads identities from the patient index (it may not open the record,
  // and trying would be a refused view in this very report); staff read the record's header.
  const who = useQuery({
    queryKey: ['access-report', personId, 'who', session.user.office],
    queryFn: async (): Promise<{ kanji: string | null; kana: string | null; birthDate: string | null }> => {
      if (session.user.office) {
        const { person } = await api<MpiPersonAnswer>(`/admin/mpi/persons/${encodeURIComponent(personId)}`);
        return { kanji: person.name_kanji, kana: person.name_kana, birthDate: person.birth_date };
      }
      const header = await api<PatientHeader>(path);
      return { kanji: header.name.kanji, kana: header.name.kana, birthDate: header.birthDate };
    },
    retry: false,
  });

  const report = useQuery({
    queryKey: ['access-report', personId, 'all'],
    queryFn: () => fetchWholeReport(path),
  });
  const rows = useMemo(() => groupEntries(report.data?.entries ?? []), [report.data]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice((page - 1) * PAGE, page * PAGE);
  const columns: Column<Grouped>[] = [
    {
      key: 'at',
      header: t('access.at'),
      cell: (e) =>
        e.firstAt.slice(0, 16) === e.at.slice(0, 16)
          ? westernDateTime(e.at)
          : `${westernDateTime(e.firstAt)} – ${westernDateTime(e.at).slice(-5)}`,
    },
    {
      key: 'kind',
      header: t('access.kind'),
      cell: (e) => (
        <Group gap={4}>
          <Badge
            size="sm"
            color={e.kind === 'break-glass' ? 'red' : e.kind === 'view' ? 'teal' : 'gray'}
            tt="none"
          >
            {t(`access.kind_${e.kind}`)}
          </Badge>
          {e.count > 1 && (
            <Text span size="xs" c="dimmed">
              {t('access.times', { count: e.count })}
            </Text>
          )}
          {e.outcome !== '0' && (
            <Badge size="sm" color="orange" variant="outline">
              {t('access.outcomeFailed')}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'user', header: t('access.user'), cell: (e) => e.user.name ?? '—' },
    {
      key: 'profession',
      header: t('access.profession'),
      cell: (e) => e.user.professionLabel?.[lang] ?? e.user.profession ?? '—',
    },
    {
      key: 'facility',
      header: t('access.facility'),
      cell: (e) => e.facility?.name ?? e.facility?.oid ?? '—',
    },
    { key: 'reason', header: t('access.reason'), cell: (e) => e.breakGlassReason ?? '' },
  ];

  return (
    <Stack gap="md">
      <PrintHeader title={t('access.title')} patient={who.data ?? null} />
      <Group justify="space-between" className="no-print">
        <Anchor component={Link} to={path}>
          {t('app.back')}
        </Anchor>
        <Button onClick={() => window.print()} variant="default" disabled={report.isPending}>
          {t('app.print')}
        </Button>
      </Group>
      <div>
        <Title order={1} size="h2">
          {t('access.title')}
        </Title>
        {who.data && (
          <Text size="lg" mt={4} data-testid="report-patient">
            {who.data.kanji ?? ''}（{who.data.kana ?? ''}）　{t('patients.birthDate')}:{' '}
            {dateWithWareki(who.data.birthDate, lang)}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('access.printedAt', { at: westernDateTime(new Date().toISOString()) })}
        </Text>
      </div>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          <Text size="sm" data-testid="report-total">
            {t('counter.printedCount', { total: report.data.total, rows: rows.length })}
          </Text>
          {/* On screen a page at a time; on paper every row (the printout is the whole report). */}
          <div className="no-print">
            <DataTable<Grouped>
              caption={t('access.title')}
              rows={shown}
              rowKey={(e) => String(e.seq)}
              minWidth={700}
              pageSize={PAGE}
              columns={columns}
            />
          </div>
          <div className="print-only" data-testid="report-print">
            <DataTable<Grouped>
              caption={t('access.title')}
              rows={rows}
              rowKey={(e) => String(e.seq)}
              minWidth={0}
              pageSize={Math.max(1, rows.length)}
              columns={columns}
            />
          </div>
          {pages > 1 && (
            <Pagination
              className="no-print"
              total={pages}
              value={page}
              onChange={setPage}
              getItemProps={(n) => ({ 'aria-label': t('counter.pageN', { n }) })}
              getControlProps={(control) => ({ 'aria-label': t(`counter.page_${control}`) })}
            />
          )}
        </>
      )}
    </Stack>
  );
}

type Grouped = AccessReportEntry & { count: number; firstAt: string };

/**
 * Consecutive entries of one user doing the same thing within ten minutes are one row ("閲覧 ×12"):
 * opening a record reads several lists, and the patient asks who looked, not how many requests.
 */
function groupEntries(entries: readonly AccessReportEntry[]): Grouped[] {
  const out: Grouped[] = [];
  for (const e of entries) {
    const last = out.at(-1);
    if (
      last &&
      last.user.id === e.user.id &&
      last.kind === e.kind &&
      last.outcome === e.outcome &&
      last.facility?.oid === e.facility?.oid &&
      last.breakGlassReason === e.breakGlassReason &&
      Date.parse(last.firstAt) - Date.parse(e.at) < 10 * 60_000
    ) {
      last.count += 1;
      last.firstAt = e.at;
    } else out.push({ ...e, count: 1, firstAt: e.at });
  }
  return out;
}
