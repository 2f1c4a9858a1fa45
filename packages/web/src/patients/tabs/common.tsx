import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useI18n } from '../../i18n';

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
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  caption: string;
  minWidth?: number;
  /** Rows shown at first; "show more" adds as many again (five years of visits are hundreds). */
  pageSize?: number;
}) {
  const { t } = useI18n();
  const [shown, setShown] = useState(pageSize);
  if (rows.length === 0) return <Text c="dimmed">{t('app.none')}</Text>;
  const rest = rows.length - shown;
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped verticalSpacing="xs" highlightOnHover>
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
            {rows.slice(0, shown).map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((c) => (
                  <Table.Td key={c.key}>{c.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rest > 0 && (
        <Button variant="default" size="xs" w="fit-content" onClick={() => setShown((n) => n + pageSize)}>
          {t('app.showMore', { count: rest })}
        </Button>
      )}
    </Stack>
  );
}
