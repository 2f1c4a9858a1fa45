import { BODY_DIAGRAMS, type BodyDiagramId, type CabinetAttachmentView } from '@hie/contract';
import { Anchor, Box, Button, Group, Modal, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useI18n } from '../../i18n/index';
import { DrawingView } from '../drawings/DrawingView';
import { useDrawingLabels } from '../drawings/labels';
import { Icon } from './icons';
import { sizeText, variantUrl } from './kinds';
import { useFileProblemText } from './problems';

export type CompareSeries = { bodyPart: BodyDiagramId; label: string };

const tileBorder = '1px solid var(--mantine-color-gray-3)';

/**
 * What a post carries: photos and videos as tiles (a tap shows the whole photo, or plays the video from
 * the hub's MP4 rendition, fetched only then), PDFs as a link with name and size, schema drawings with
 * 経過を比べる (the same series side by side). Every address is the hub's own.
 */
export function PostAttachments({
  attachments,
  compact,
  onCompare,
}: {
  attachments: readonly CabinetAttachmentView[];
  compact: boolean;
  onCompare?: ((series: CompareSeries) => void) | null;
}) {
  const { t } = useI18n();
  const [shown, setShown] = useState<CabinetAttachmentView | null>(null);
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  if (attachments.length === 0) return null;
  const media = attachments.filter((a) => a.type === 'file' && (a.kind === 'image' || a.kind === 'video'));
  const documents = attachments.filter((a) => a.type === 'file' && a.kind !== 'image' && a.kind !== 'video');
  const drawings = attachments.filter((a) => a.type === 'drawing');
  const tile = compact ? 72 : 104;
  return (
    <Stack gap={compact ? 4 : 6} aria-label={t('cabinet.files.list')} data-testid="post-attachments">
      {media.length > 0 && (
        <Group gap={compact ? 4 : 6} wrap="wrap" align="flex-start">
          {media.map((a) => (
            <MediaTile key={a.id} attachment={a} size={tile} onOpen={() => setShown(a)} />
          ))}
        </Group>
      )}
      {documents.map((a) => (
        <FileLink key={a.id} attachment={a} compact={compact} />
      ))}
      {drawings.length > 0 && (
        <Group gap={compact ? 4 : 6} wrap="wrap" align="flex-start">
          {drawings.map((a) =>
            compact ? (
              <CompactDrawing key={a.id} attachment={a} onCompare={onCompare ?? null} />
            ) : (
              <DrawingView key={a.id} attachment={a} width={200} {...(onCompare ? { onCompare } : {})} />
            ),
          )}
        </Group>
      )}
      <Modal
        opened={shown !== null}
        onClose={() => setShown(null)}
        title={shown?.name}
        size="auto"
        fullScreen={phone}
        centered
        closeButtonProps={{ 'aria-label': t('app.close'), size: 'lg' }}
      >
        {shown?.kind === 'video' ? (
          <Box w="min(960px, 100%)" miw={phone ? undefined : 'min(640px, 90vw)'}>
            {/* biome-ignore lint/a11y/useMediaCaption: a nurse's clip of a wound or a gait has no captions */}
            <video
              controls
              preload="none"
              playsInline
              poster={shown.thumbnailUrl ?? undefined}
              src={variantUrl(shown.url, 'rendition')}
              aria-label={shown.name}
              style={{ display: 'block', width: '100%', maxHeight: '78vh', background: '#000' }}
              data-testid="attachment-video"
            />
          </Box>
        ) : shown ? (
          <Stack gap="xs" align="center">
            <img
              src={shown.url}
              alt={shown.name}
              style={{ display: 'block', maxWidth: '100%', maxHeight: '78vh', objectFit: 'contain' }}
              data-testid="attachment-image-full"
            />
            <Anchor href={shown.url} target="_blank" rel="noopener noreferrer" size="sm">
              {t('cabinet.files.openOriginal')}
            </Anchor>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}

const isDiagram = (id: string | null | undefined): id is BodyDiagramId => !!id && id in BODY_DIAGRAMS;

/** A drawing in a narrow timeline cell: the picture at the cell's width, 経過を比べる under it. */
function CompactDrawing({
  attachment,
  onCompare,
}: {
  attachment: CabinetAttachmentView;
  onCompare: ((series: CompareSeries) => void) | null;
}) {
  const { L } = useDrawingLabels();
  const bodyPart = isDiagram(attachment.bodyPart) ? attachment.bodyPart : null;
  const label = attachment.label ?? attachment.name;
  return (
    <Stack gap={2} w={200} maw="100%">
      <DrawingView attachment={attachment} width={200} />
      {onCompare && bodyPart && label && (
        <Button size="compact-sm" variant="light" fullWidth onClick={() => onCompare({ bodyPart, label })}>
          {L.compare}
        </Button>
      )}
    </Stack>
  );
}

function Problem({ attachment }: { attachment: CabinetAttachmentView }) {
  const { t } = useI18n();
  const problemText = useFileProblemText();
  return (
    <Text size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
      {t('cabinet.files.problemOf', {
        name: attachment.name,
        problem: problemText({ code: attachment.problem ?? 'file-failed' }),
      })}
    </Text>
  );
}

/** A photo's thumbnail or a video's poster (with ▶), or its name where the hub has no picture of it. */
function MediaTile({
  attachment,
  size,
  onOpen,
}: {
  attachment: CabinetAttachmentView;
  size: number;
  onOpen: () => void;
}) {
  const { t } = useI18n();
  const video = attachment.kind === 'video';
  if (attachment.status === 'failed') return <Problem attachment={attachment} />;
  const processing = attachment.status === 'processing';
  // A HEIC photo has no thumbnail (the hub cannot decode it): its name, opened as the file itself.
  if (!video && !attachment.thumbnailUrl)
    return (
      <Anchor
        href={attachment.url}
        target="_blank"
        rel="noopener noreferrer"
        size="sm"
        style={{ overflowWrap: 'anywhere' }}
      >
        <Group gap={4} wrap="nowrap" component="span">
          <Icon name="image" size={16} />
          {t('cabinet.files.withDetail', { text: attachment.name, detail: sizeText(attachment.size) })}
        </Group>
      </Anchor>
    );
  const width = video ? Math.round(size * 1.4) : size;
  const face = (
    <Box
      pos="relative"
      w={width}
      h={size}
      style={{ borderRadius: 6, overflow: 'hidden', border: tileBorder, background: '#222' }}
    >
      {attachment.thumbnailUrl ? (
        <img
          src={attachment.thumbnailUrl}
          alt={attachment.name}
          loading="lazy"
          width={width}
          height={size}
          style={{ display: 'block', objectFit: 'cover', background: 'var(--mantine-color-gray-1)' }}
        />
      ) : null}
      {video && (
        <Box
          pos="absolute"
          inset={0}
          c="white"
          style={{
            display: 'grid',
            placeItems: 'center',
            background: processing ? 'rgba(0,0,0,.55)' : 'rgba(0,0,0,.2)',
          }}
        >
          {processing ? (
            <Text size="xs" c="white" fw={700} ta="center" px={4}>
              {t('cabinet.files.converting')}
            </Text>
          ) : (
            <Box bg="rgba(0,0,0,.55)" p={6} style={{ borderRadius: '50%' }}>
              <Icon name="play" size={compactIcon(size)} />
            </Box>
          )}
        </Box>
      )}
    </Box>
  );
  if (video && processing)
    return (
      <div title={attachment.name} data-testid="video-processing">
        {face}
      </div>
    );
  return (
    <UnstyledButton
      onClick={onOpen}
      aria-label={t(video ? 'cabinet.files.playVideo' : 'cabinet.files.openImage', { name: attachment.name })}
      title={attachment.name}
      data-testid={video ? 'attachment-video-tile' : 'attachment-image'}
    >
      {face}
    </UnstyledButton>
  );
}

const compactIcon = (size: number) => (size < 90 ? 18 : 26);

function FileLink({ attachment, compact }: { attachment: CabinetAttachmentView; compact: boolean }) {
  const { t } = useI18n();
  if (attachment.status === 'failed') return <Problem attachment={attachment} />;
  return (
    <Anchor
      href={attachment.url}
      target="_blank"
      rel="noopener noreferrer"
      size={compact ? 'xs' : 'sm'}
      style={{ overflowWrap: 'anywhere' }}
      data-testid="attachment-pdf"
    >
      <Group gap={4} wrap="nowrap" component="span" align="flex-start">
        <Icon name="file" size={compact ? 16 : 18} />
        <span>
          {t('cabinet.files.withDetail', { text: attachment.name, detail: sizeText(attachment.size) })}
        </span>
      </Group>
    </Anchor>
  );
}
