import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { apiBlob, saveBlob } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n';
import { Loading } from '../layout/Feedback';
import { type CdaResult, decodeXml, readCda } from '../records/cda';
import type { DocumentFile, DocumentRow, FileRole } from '../records/documents';
import { CdaDocument, CdaUnreadable } from './CdaDocument';

/** A document file opened from a list: whose, what, and which file. */
export interface Opened {
  facilityOid: string;
  title: string;
  facilityName: string;
  file: DocumentFile;
}

type Loaded =
  | { kind: 'cda'; result: CdaResult; blob: Blob }
  | { kind: 'url'; url: string; type: string; blob: Blob };

const ROLE_LABEL: Record<FileRole, 'cda' | 'pdf' | 'image' | 'file'> = {
  cda: 'cda',
  pdf: 'pdf',
  image: 'image',
  other: 'file',
};

/** A document's files as buttons named by what they are (本文, PDF, 画像), the CDA text first. */
export function DocumentFileButtons({
  row,
  title,
  onOpen,
}: {
  row: DocumentRow;
  /** The document's title (kind and date), for the dialog and the buttons' accessible names. */
  title: string;
  onOpen: (opened: Opened) => void;
}) {
  const { t } = useI18n();
  return (
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
              onOpen({ facilityOid: row.facilityOid, title, facilityName: row.facilityName, file })
            }
          >
            {what}
          </Button>
        );
      })}
    </Group>
  );
}

/** The opened document in a dialog titled by the document and its facility. */
export function DocumentModal({
  personId,
  opened,
  onClose,
}: {
  personId: string;
  opened: Opened | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      opened={opened !== null}
      onClose={onClose}
      title={opened ? `${opened.title}　${opened.facilityName}` : t('docs.viewer')}
      size="90%"
    >
      {opened && <DocumentViewer personId={personId} doc={opened} />}
    </Modal>
  );
}

/**
 * One document file of a patient, fetched through the hub (policy and audit as every read): a CDA
 * document as readable text, a PDF in the browser's viewer, an image inline; anything else is saved.
 */
export function DocumentViewer({ personId, doc }: { personId: string; doc: Opened }) {
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
