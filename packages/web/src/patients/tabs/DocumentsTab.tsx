import { Alert, Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { apiBlob, saveBlob } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { SourcedResource } from '../../api/types';
import { useI18n } from '../../i18n';
import { Loading } from '../../layout/Feedback';
import { westernDate } from '../../lib/dates';
import { type CodeableConcept, conceptText } from '../../records/fhir';
import { DataTable, FacilityBadge } from './common';

interface Attachment {
  contentType?: string;
  url?: string;
  title?: string;
}

interface Opened {
  facilityOid: string;
  binaryId: string;
  title: string;
  contentType: string;
}

const attachmentsOf = (e: SourcedResource): Attachment[] =>
  ((e.resource.content as { attachment?: Attachment }[] | undefined) ?? [])
    .map((c) => c.attachment ?? {})
    .filter((a) => a.url?.startsWith('Binary/'));

/** Reports and documents; PDFs and images open inline through the hub's binary route. */
export function DocumentsTab({
  personId,
  entries,
}: {
  personId: string;
  entries: readonly SourcedResource[];
}) {
  const { t } = useI18n();
  const [opened, setOpened] = useState<Opened | null>(null);
  const rows = entries.filter(
    (e) => e.resource.resourceType === 'DocumentReference' && e.resource.status !== 'entered-in-error',
  );
  return (
    <>
      <DataTable
        caption={t('tabs.documents')}
        rows={rows}
        rowKey={(e) => `${e.facilityOid}/${e.resource.id}`}
        columns={[
          { key: 'date', header: t('patient.date'), cell: (e) => westernDate(e.date) },
          {
            key: 'title',
            header: t('docs.title'),
            cell: (e) =>
              (e.resource.description as string | undefined) ??
              conceptText(e.resource.type as CodeableConcept),
          },
          {
            key: 'type',
            header: t('docs.type'),
            cell: (e) => conceptText((e.resource.category as CodeableConcept[] | undefined)?.[0]),
          },
          {
            key: 'files',
            header: t('docs.open'),
            cell: (e) => (
              <Group gap={4}>
                {attachmentsOf(e).map((a) => (
                  <Button
                    key={a.url}
                    size="compact-xs"
                    variant="light"
                    onClick={() =>
                      setOpened({
                        facilityOid: e.facilityOid,
                        binaryId: a.url!.slice('Binary/'.length),
                        title: a.title ?? (e.resource.description as string | undefined) ?? a.url!,
                        contentType: a.contentType ?? 'application/octet-stream',
                      })
                    }
                  >
                    {a.title ?? t('docs.open')}
                  </Button>
                ))}
              </Group>
            ),
          },
          {
            key: 'facility',
            header: t('patient.source'),
            cell: (e) => <FacilityBadge oid={e.facilityOid} name={e.facilityName} />,
          },
        ]}
      />
      <Modal
        opened={opened !== null}
        onClose={() => setOpened(null)}
        title={opened?.title ?? t('docs.viewer')}
        size="90%"
      >
        {opened && <DocumentViewer personId={personId} doc={opened} />}
      </Modal>
    </>
  );
}

function DocumentViewer({ personId, doc }: { personId: string; doc: Opened }) {
  const { t, lang } = useI18n();
  const [blob, setBlob] = useState<{ url: string; type: string; blob: Blob } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    apiBlob(
      `/patients/${encodeURIComponent(personId)}/binary/${encodeURIComponent(doc.facilityOid)}/${encodeURIComponent(doc.binaryId)}`,
    )
      .then((b) => {
        if (cancelled) return;
        const type = b.type || doc.contentType;
        const typed = b.type ? b : new Blob([b], { type });
        url = URL.createObjectURL(typed);
        setBlob({ url, type, blob: typed });
      })
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [personId, doc]);
  if (error) return <Alert color="red">{errorMessage(error, lang)}</Alert>;
  if (!blob) return <Loading />;
  const download = (
    <Button size="xs" variant="default" onClick={() => saveBlob(blob.blob, doc.title)}>
      {t('docs.download')}
    </Button>
  );
  if (blob.type.includes('pdf')) {
    return (
      <>
        <iframe src={blob.url} title={doc.title} style={{ width: '100%', height: '75vh', border: 0 }} />
        {download}
      </>
    );
  }
  if (blob.type.startsWith('image/')) {
    return (
      <>
        <img src={blob.url} alt={doc.title} style={{ maxWidth: '100%' }} />
        {download}
      </>
    );
  }
  return (
    <>
      <Text mb="sm">{t('docs.noPreview')}</Text>
      {download}
    </>
  );
}
