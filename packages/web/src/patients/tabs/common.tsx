import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { Fragment, type ReactNode, useState } from 'react';
import { useI18n } from '../../i18n';
import { usePrinting } from '../../layout/Print';

const COLORS = [
  'teal',
  'indigo',
  'grape',
  'orange',
  'cyan',
  'pink',
  'lime',
  'violet',
  'yellow',
  'blue',
] as const;

/** A stable colour per facility, so its rows and chart lines look the same on every tab. */
export function facilityColor(oid: string): (typeof COLORS)[number] {
  let hash = 0;
  for (const ch of oid) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[hash % COLORS.length]!;
}

export function FacilityBadge({ oid, name }: { oid: string; name: string }) {
  return (
    <Badge
      variant="light"
      color={facilityColor(oid)}
      tt="none"
      radius="sm"
      // The whole name, never cut to 岡山赤… by a narrow column.
      miw="max-content"
      styles={{ label: { color: 'var(--mantine-color-dark-7)' } }}
    >
      {name}
    </Badge>
  );
}

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  width?: number;
}

/** A plain accessible table with a caption for screen readers. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  caption,
  minWidth = 640,
  pageSize = 50,
  detail,
  testId,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  caption: string;
  minWidth?: number;
  /** Rows shown at first; "show more" adds as many again (five years of visits are hundreds). */
  pageSize?: number;
  /** What is nested under a row (a stay's transfers and leaves), on a line of its own below it. */
  detail?: (row: T) => ReactNode;
  /** data-testid of each row (the detail line gets `<id>-detail`). */
  testId?: (row: T) => string;
}) {
  const { t } = useI18n();
  const [more, setMore] = useState(pageSize);
  // Paper gets every row, not the first page of the screen.
  const shown = usePrinting() ? rows.length : more;
  if (rows.length === 0) return <Text c="dimmed">{t('app.none')}</Text>;
  const rest = rows.length - shown;
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={minWidth}>
        {/* Nested lines belong to the row above them: no stripes to tell them apart, no line between. */}
        <Table striped={!detail} verticalSpacing="xs" highlightOnHover={!detail}>
          <caption className="visually-hidden">{caption}</caption>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key} style={c.width ? { width: c.width } : undefined}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.slice(0, shown).map((row) => {
              const nested = detail?.(row);
              const id = testId?.(row);
              return (
                <Fragment key={rowKey(row)}>
                  <Table.Tr data-testid={id}>
                    {columns.map((c) => (
                      <Table.Td key={c.key} style={nested ? { borderBottom: 'none' } : undefined}>
                        {c.cell(row)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                  {nested ? (
                    <Table.Tr data-testid={id ? `${id}-detail` : undefined}>
                      <Table.Td colSpan={columns.length} pt={0}>
                        {nested}
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rest > 0 && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setMore((n) => n + pageSize)}>
          {t('app.showMore', { count: rest })}
        </Button>
      )}
    </Stack>
  );
}
