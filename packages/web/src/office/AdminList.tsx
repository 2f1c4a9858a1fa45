import {
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { keepPreviousData, type UseQueryResult, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api, apiBlob, type Query, saveBlob } from '../api/client';
import type { Facility, User } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { PagedTable } from '../layout/PagedTable';

const PAGE = 50;

/** One page of `/admin/<resource>`: `{ total, <resource>: T[] }`, keyed `['admin', resource, ...filters, page]`. */
export function useAdminList<K extends string, T>(resource: K, filters: Query, page: number) {
  return useQuery({
    queryKey: ['admin', resource, ...Object.values(filters), page],
    queryFn: () =>
      api<{ total: number } & Record<K, T[]>>(`/admin/${resource}`, {
        query: { ...filters, limit: PAGE, offset: (page - 1) * PAGE },
      }),
    placeholderData: keepPreviousData,
  });
}

/**
 * An office list screen: title with CSV export and an add button, filters, the paged table (a name
 * column that opens the editor) and the add/edit modal.
 */
export function AdminListPage<D extends { total: number }, T>({
  resource,
  title,
  addLabel,
  editLabel,
  filters,
  list,
  items,
  page,
  onPage,
  minWidth,
  headers,
  rowKey,
  cells,
  form,
}: {
  /** `/admin/<resource>.csv` is the export. */
  resource: string;
  title: string;
  addLabel: string;
  editLabel: string;
  filters: ReactNode;
  list: UseQueryResult<D>;
  items: (data: D) => T[];
  page: number;
  onPage: (page: number) => void;
  minWidth: number;
  headers: string[];
  rowKey: (item: T) => string;
  cells: (item: T, edit: () => void) => ReactNode;
  form: (item: T | null, onDone: () => void) => ReactNode;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ item: T | null } | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {title}
        </Title>
        <Group gap="xs">
          <Button
            variant="default"
            onClick={() => void apiBlob(`/admin/${resource}.csv`).then((b) => saveBlob(b, `${resource}.csv`))}
          >
            {t('app.csv')}
          </Button>
          <Button onClick={() => setEditing({ item: null })}>{addLabel}</Button>
        </Group>
      </Group>
      {filters}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {t('app.total', { count: list.data.total })}
          </Text>
          <PagedTable
            minWidth={minWidth}
            headers={headers}
            total={list.data.total}
            page={page}
            pageSize={PAGE}
            onPage={onPage}
          >
            {items(list.data).map((item) => (
              <Table.Tr key={rowKey(item)}>{cells(item, () => setEditing({ item }))}</Table.Tr>
            ))}
          </PagedTable>
        </>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.item === null ? addLabel : editLabel}
        size="lg"
      >
        {editing !== null && form(editing.item, () => setEditing(null))}
      </Modal>
    </Stack>
  );
}

/** The name cell: a link-styled button that opens the editor, with the kana reading beneath. */
export function NameCell({
  name,
  nameKana,
  onClick,
}: {
  name: string;
  nameKana?: string | null;
  onClick: () => void;
}) {
  return (
    <Table.Td>
      <UnstyledButton
        onClick={onClick}
        fw={600}
        className="print-text"
        style={{ textDecoration: 'underline' }}
      >
        {name}
      </UnstyledButton>
      {nameKana && (
        <Text size="xs" c="dimmed">
          {nameKana}
        </Text>
      )}
    </Table.Td>
  );
}

/** The status cell: teal when active, grey otherwise. */
export function StatusCell({ status }: { status: Facility['status'] | User['status'] }) {
  const { t } = useI18n();
  return (
    <Table.Td>
      <Badge size="sm" color={status === 'active' ? 'teal' : 'gray'} variant="outline">
        {t(`office.status_${status}`)}
      </Badge>
    </Table.Td>
  );
}

/** The status picker of an editor form. */
export function StatusSelect<S extends Facility['status'] | User['status']>({
  statuses,
  value,
  onChange,
}: {
  statuses: readonly S[];
  value: S;
  onChange: (status: S) => void;
}) {
  const { t } = useI18n();
  return (
    <Select
      label={t('office.status')}
      data={statuses.map((s) => ({ value: s, label: t(`office.status_${s}`) }))}
      value={value}
      onChange={(v) => v && onChange(v as S)}
      allowDeselect={false}
    />
  );
}
