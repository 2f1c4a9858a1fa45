import { CATEGORY_LABELS, type Category } from '@hie/contract';
import { Accordion, Alert, Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { apiBlob, saveBlob } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import type { Messages } from '../../i18n/ja';
import { Loading } from '../../layout/Feedback';
import { westernDate } from '../../lib/dates';
import { type CdaResult, decodeXml, readCda } from '../../records/cda';
import { type DocumentFile, type DocumentRow, documentGroups, type FileRole } from '../../records/documents';
import { CdaDocument, CdaUnreadable } from './CdaDocument';
import { FacilityBadge } from './common';

type DocumentCategoryKey = keyof Messages['documentsTab']['kinds'];

interface Opened {
  facilityOid: string;
  title: string;
  facilityName: string;
  file: DocumentFile;
}

const ROLE_LABEL: Record<FileRole, 'cda' | 'pdf' | 'image' | 'file'> = {
  cda: 'cda',
  pdf: 'pdf',
  image: 'image',
  other: 'file',
};

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
                            <Group gap={4} wrap="nowrap">
                              {row.files.map((file) => {
                                const what = t(`documentsTab.${ROLE_LABEL[file.role]}`);
                                return (
                                  <Button
                                    key={file.binaryId}
                                    size="compact-xs"
                                    variant={file.role === 'cda' ? 'filled' : 'light'}
                                    aria-label={t('documentsTab.openLabel', { title, what })}
                                    onClick={() =>
                                      setOpened({
                                        facilityOid: row.facilityOid,
                                        title,
                                        facilityName: row.facilityName,
                                        file,
                                      })
                                    }
                                  >
                                    {what}
                                  </Button>
                                );
                              })}
                            </Group>
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
      <Modal
        opened={opened !== null}
        onClose={() => setOpened(null)}
        title={opened ? `${opened.title}　${opened.facilityName}` : t('docs.viewer')}
        size="90%"
      >
        {opened && <DocumentViewer personId={personId} doc={opened} />}
      </Modal>
    </>
  );
}

type Loaded =
  | { kind: 'cda'; result: CdaResult; blob: Blob }
  | { kind: 'url'; url: string; type: string; blob: Blob };

function DocumentViewer({ personId, doc }: { personId: string; doc: Opened }) {
  const { t, lang } = useI18n();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    setLoaded(null);
    setError(null);
    apiBlob(
      `/patients/${encodeURIComponent(personId)}/binary/${encodeURIComponent(doc.facilityOid)}/${encodeURIComponent(doc.file.binaryId)}`,
    )
      .then(async (b) => {
        if (cancelled) return;
        // The hub sends XML as a download (never rendered by the browser): read here, as data.
        if (doc.file.role === 'cda') {
          const result = readCda(decodeXml(new Uint8Array(await b.arrayBuffer())));
          if (!cancelled) setLoaded({ kind: 'cda', result, blob: b });
          return;
        }
        const type = b.type && b.type !== 'application/octet-stream' ? b.type : doc.file.contentType;
        const typed = b.type === type ? b : new Blob([b], { type });
        url = URL.createObjectURL(typed);
        setLoaded({ kind: 'url', url, type, blob: typed });
      })
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [personId, doc]);
  if (error) return <Alert color="red">{errorMessage(error, lang)}</Alert>;
  if (!loaded) return <Loading />;
  const download = (
    <Button
      size="xs"
      variant="default"
      w="fit-content"
      onClick={() => saveBlob(loaded.blob, doc.file.fileName || doc.title)}
    >
      {t('docs.download')}
    </Button>
  );
  if (loaded.kind === 'cda') {
    return (
      <Stack gap="sm">
        {loaded.result.ok ? (
          <CdaDocument view={loaded.result.view} />
        ) : (
          <CdaUnreadable reason={loaded.result.reason} />
        )}
        {download}
      </Stack>
    );
  }
  if (loaded.type.includes('pdf')) {
    return (
      <Stack gap="sm">
        <iframe src={loaded.url} title={doc.title} style={{ width: '100%', height: '75vh', border: 0 }} />
        {download}
      </Stack>
    );
  }
  if (doc.file.role === 'image') {
    return (
      <Stack gap="sm">
        <img src={loaded.url} alt={doc.title} style={{ maxWidth: '100%' }} />
        {download}
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Text>{t('docs.noPreview')}</Text>
      {download}
    </Stack>
  );
}
