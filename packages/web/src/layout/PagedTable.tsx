import { Pagination, Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** A striped, scrollable table with one header row and, past one page, a pager beneath it. */
export function PagedTable({
  minWidth,
  label,
  headers,
  total,
  page,
  pageSize,
  onPage,
  labelControls = false,
  children,
}: {
  minWidth: number;
  /** The table's accessible name, if it needs one. */
  label?: string;
  headers: string[];
  total: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  /** Give the pager's controls their control name as aria-label. */
  labelControls?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {headers.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {total > pageSize && (
        <Pagination
          total={Math.ceil(total / pageSize)}
          value={page}
          onChange={onPage}
          getControlProps={labelControls ? (control) => ({ 'aria-label': control }) : undefined}
        />
      )}
    </>
  );
}
