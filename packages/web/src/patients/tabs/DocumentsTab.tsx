import { CATEGORY_LABELS, type Category } from '@hie/contract';
import { Accordion, Badge, Group, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SourcedResource } from '../../api/types';
import { DocumentFileButtons, DocumentModal, type Opened } from '../../documents/DocumentViewer';
import { useI18n } from '../../i18n';
import type { Messages } from '../../i18n/ja';
import { westernDate } from '../../lib/dates';
import { type DocumentRow, documentGroups } from '../../records/documents';
import { FacilityBadge } from './common';

type DocumentCategoryKey = keyof Messages['documentsTab']['kinds'];

/**
 * Documents of every facility, grouped by kind (退院時サマリ, 読影レポート, 診療情報提供書 …; each its
 * own disclosure category), newest first. A CDA document opens as readable text, a PDF in the
 * browser's viewer, an image inline; anything else is saved.
 */
export function DocumentsTab({
  personId,
  entries,
}: {
  personId: string;
  entries: readonly SourcedResource[];
}) {
  const { t, lang } = useI18n();
  const [opened, setOpened] = useState<Opened | null>(null);
  const groups = useMemo(() => documentGroups(entries), [entries]);
  const [open, setOpen] = useState<string[] | null>(null);
  if (groups.length === 0) return <Text c="dimmed">{t('app.none')}</Text>;
  const kindLabel = (kind: string) => CATEGORY_LABELS[kind as Category]?.[lang] ?? kind;
  /** Titled by kind and date; a document of no known kind by what its facility calls it. */
  const titleOf = (row: DocumentRow) =>
    t('documentsTab.titleOf', {
      kind:
        row.kind === 'document' && row.typeText
          ? row.typeText
          : t(`documentsTab.kinds.${row.kind as DocumentCategoryKey}`),
      date: westernDate(row.date),
    });
  return (
    <>
      <Accordion
        multiple
        value={open ?? groups.map((g) => g.kind)}
        onChange={setOpen}
        variant="separated"
        chevronPosition="left"
        aria-label={t('documentsTab.caption')}
      >
        {groups.map((g) => (
          <Accordion.Item key={g.kind} value={g.kind} data-testid={`doc-group-${g.kind}`}>
            <Accordion.Control>
              <Group gap="xs">
                <Text fw={700}>{kindLabel(g.kind)}</Text>
                <Badge variant="light" color="gray" radius="sm" tt="none">
                  {t('documentsTab.count', { count: g.rows.length })}
                </Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Table.ScrollContainer minWidth={560}>
                <Table striped verticalSpacing="xs" highlightOnHover>
                  <caption className="visually-hidden">{kindLabel(g.kind)}</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('documentsTab.document')}</Table.Th>
                      <Table.Th>{t('documentsTab.department')}</Table.Th>
                      <Table.Th>{t('documentsTab.facility')}</Table.Th>
                      <Table.Th>{t('documentsTab.files')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {g.rows.map((row) => {
                      const title = titleOf(row);
                      return (
                        <Table.Tr key={row.key} data-testid="doc-row">
                          <Table.Td>
                            <Text size="sm" fw={500} data-testid="doc-title">
                              {title}
                            </Text>
                          </Table.Td>
                          <Table.Td>{row.department ?? '—'}</Table.Td>
                          <Table.Td>
                            <FacilityBadge oid={row.facilityOid} name={row.facilityName} />
                          </Table.Td>
                          <Table.Td>
                            <DocumentFileButtons row={row} title={title} onOpen={setOpened} />
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      <DocumentModal personId={personId} opened={opened} onClose={() => setOpened(null)} />
    </>
  );
}
