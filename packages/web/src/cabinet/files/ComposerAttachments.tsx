import {
  BODY_DIAGRAMS,
  CABINET_LIMITS,
  type CabinetAttachmentRef,
  type CabinetAttachmentView,
  type CabinetDrawingSummary,
} from '@hie/contract';
import { Box, Button, Group, Modal, Paper, Progress, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { useI18n } from '../../i18n/index';
import { westernDate } from '../../lib/dates';
import { useDrawings } from '../drawings/api';
import { DrawingView } from '../drawings/DrawingView';
import { SchemaEditor } from '../drawings/SchemaEditor';
import { Icon, type IconName, kindIcon } from './icons';
import { ACCEPT_ANY, percent, progressText, sizeText } from './kinds';
import { PostAttachments } from './PostAttachments';
import { useFileProblemText } from './problems';
import type { UploadItem, Uploads } from './useUploads';

/** A drawing saved from the composer, to go with the post. */
export interface ComposerDrawing {
  ref: CabinetAttachmentRef;
  drawing: CabinetDrawingSummary;
}

/** The modal's title bar and padding, and the "start from" choice above the editor (px). */
const TITLE_BAR = 76;
const START_FROM = 80;

/**
 * 添付: take a photo or a video with the tablet's camera, choose files (photos, videos, PDFs), or draw a
 * schema. Each file shows its progress (percent and MB), and the hub's refusal beside it when it has
 * one. Buttons are finger-sized, two to a row.
 */
export function ComposerAttachments({
  cabinetId,
  uploads,
  drawings,
  onAddDrawing,
  onRemoveDrawing,
  problems,
  existing,
  onDrawing,
}: {
  cabinetId: string;
  uploads: Uploads;
  drawings: ComposerDrawing[];
  onAddDrawing: (drawing: ComposerDrawing) => void;
  onRemoveDrawing: (id: string) => void;
  /** The hub's refusals of the post's attachments, by upload key or drawing id. */
  problems: Record<string, string>;
  /** What an edited post carries already. */
  existing: CabinetAttachmentView[];
  /** The schema editor opened or closed (the composer leaves Escape to it meanwhile). */
  onDrawing?: (open: boolean) => void;
}) {
  const { t } = useI18n();
  const photo = useRef<HTMLInputElement>(null);
  const video = useRef<HTMLInputElement>(null);
  const any = useRef<HTMLInputElement>(null);
  const [drawing, setDrawingState] = useState(false);
  const setDrawing = (open: boolean) => {
    setDrawingState(open);
    onDrawing?.(open);
  };
  const max = CABINET_LIMITS.attachments;
  const count = existing.length + uploads.items.filter((i) => i.phase !== 'failed').length + drawings.length;
  const full = count >= max;

  const chosen = (event: React.ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const list = [...(input.files ?? [])].slice(0, Math.max(0, max - count));
    uploads.add(list);
    // The same file may be chosen again (after a refusal, a cancel).
    input.value = '';
  };

  const button = (label: string, icon: IconName, onClick: () => void, testId: string) => (
    <Button
      size="md"
      h={48}
      variant="light"
      leftSection={<Icon name={icon} />}
      onClick={onClick}
      disabled={full}
      data-testid={testId}
    >
      {label}
    </Button>
  );

  return (
    <Stack gap={6} data-testid="composer-attachments">
      <Text fw={700} size="md" component="h3" m={0}>
        {t('cabinet.files.title')}
      </Text>
      <SimpleGrid cols={2} spacing={6}>
        {button(t('cabinet.files.takePhoto'), 'camera', () => photo.current?.click(), 'attach-photo')}
        {button(t('cabinet.files.takeVideo'), 'video', () => video.current?.click(), 'attach-video')}
        {button(t('cabinet.files.chooseFile'), 'clip', () => any.current?.click(), 'attach-file')}
        {button(t('cabinet.files.drawing'), 'pen', () => setDrawing(true), 'attach-drawing')}
      </SimpleGrid>
      <input
        ref={photo}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        onChange={chosen}
        data-testid="attach-photo-input"
      />
      <input
        ref={video}
        type="file"
        accept="video/*"
        capture
        hidden
        onChange={chosen}
        data-testid="attach-video-input"
      />
      <input
        ref={any}
        type="file"
        accept={ACCEPT_ANY}
        multiple
        hidden
        onChange={chosen}
        data-testid="attach-file-input"
      />
      <Text size="xs" c="dimmed">
        {full ? t('cabinet.files.limitReached', { max }) : t('cabinet.files.hint', { max })}
      </Text>

      {existing.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('cabinet.files.existing')}
          </Text>
          <PostAttachments attachments={existing} compact />
        </Stack>
      )}

      {uploads.items.length > 0 && (
        <Stack gap={6} aria-label={t('cabinet.files.list')} data-testid="upload-list">
          {uploads.items.map((item) => (
            <UploadRow
              key={item.key}
              item={item}
              problem={problems[item.key] ?? null}
              onRemove={() => uploads.remove(item.key)}
              onResume={() => uploads.resume(item.key)}
            />
          ))}
        </Stack>
      )}

      {drawings.length > 0 && (
        <Group gap="sm" align="flex-start" data-testid="composer-drawings">
          {drawings.map(({ ref, drawing: d }) => (
            <Stack key={ref.id} gap={4} w={170}>
              <DrawingView
                attachment={{
                  id: d.id,
                  url: d.url,
                  thumbnailUrl: d.thumbnailUrl,
                  bodyPart: d.bodyPart,
                  label: d.label,
                  name: d.label,
                }}
                width={170}
              />
              {problems[ref.id] && (
                <Text size="sm" c="red.8" role="alert">
                  {problems[ref.id]}
                </Text>
              )}
              <Button
                size="sm"
                h={40}
                variant="default"
                color="red"
                onClick={() => onRemoveDrawing(ref.id)}
                aria-label={t('cabinet.files.removeName', { name: d.label })}
              >
                {t('cabinet.files.remove')}
              </Button>
            </Stack>
          ))}
        </Group>
      )}

      <DrawingModal
        cabinetId={cabinetId}
        opened={drawing}
        onClose={() => setDrawing(false)}
        onSaved={(saved) => {
          setDrawing(false);
          onAddDrawing(saved);
        }}
      />
    </Stack>
  );
}

function UploadRow({
  item,
  problem,
  onRemove,
  onResume,
}: {
  item: UploadItem;
  /** The hub's refusal of it as an attachment of the post. */
  problem: string | null;
  onRemove: () => void;
  onResume: () => void;
}) {
  const { t } = useI18n();
  const problemText = useFileProblemText();
  const pct = percent(item.sent, item.size);
  const sending = item.phase === 'uploading' || item.phase === 'retrying' || item.phase === 'paused';
  const failed = item.phase === 'failed';
  const picture = item.thumbnailUrl ?? item.preview;
  return (
    <Paper
      withBorder
      p={6}
      radius="md"
      data-testid="upload-item"
      data-phase={item.phase}
      style={failed ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}
    >
      <Group gap="sm" wrap="nowrap" align="center">
        <Box
          w={56}
          h={56}
          style={{
            flexShrink: 0,
            borderRadius: 6,
            overflow: 'hidden',
            background: 'var(--mantine-color-gray-1)',
            display: 'grid',
            placeItems: 'center',
          }}
        >
          {picture ? (
            <img src={picture} alt="" style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
          ) : (
            <Stack gap={0} align="center" c="gray.7">
              <Icon name={kindIcon(item.kind)} size={24} />
              <Text size="10px" fw={700}>
                {item.kind ? t(`cabinet.files.kind.${item.kind}`) : ''}
              </Text>
            </Stack>
          )}
        </Box>
        <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
          <Text size="sm" fw={600} truncate title={item.name}>
            {item.name}
          </Text>
          {sending && (
            <>
              <Progress
                value={pct}
                size="lg"
                radius="sm"
                color={item.phase === 'uploading' ? 'blue' : 'orange'}
                animated={item.phase === 'uploading'}
                aria-label={t('cabinet.files.uploading', { percent: pct })}
              />
              <Text size="xs" c="dimmed" aria-live="polite">
                {item.phase === 'uploading' ? t('cabinet.files.uploading', { percent: pct }) : `${pct}%`}・
                {progressText(item.sent, item.size)}
              </Text>
              {item.phase === 'retrying' && (
                <Text size="xs" c="orange.9">
                  {t('cabinet.files.retrying', { seconds: Math.ceil((item.retryInMs ?? 0) / 1000) })}
                </Text>
              )}
              {item.phase === 'paused' && (
                <Text size="xs" c="orange.9">
                  {t('cabinet.files.paused')}
                </Text>
              )}
            </>
          )}
          {item.phase === 'processing' && (
            <Text size="xs" c="blue.8">
              {t('cabinet.files.processing')}・{sizeText(item.size)}
            </Text>
          )}
          {item.phase === 'ready' && (
            <Text size="xs" c="teal.8">
              ✓ {t('cabinet.files.ready')}・{sizeText(item.size)}
            </Text>
          )}
          {failed && (
            <Text size="sm" c="red.8" role="alert" data-testid="upload-problem">
              {t('cabinet.files.failed', { reason: problemText(item.problem) })}
            </Text>
          )}
          {problem && (
            <Text size="sm" c="red.8" role="alert">
              {problem}
            </Text>
          )}
        </Stack>
        <Stack gap={4} style={{ flexShrink: 0 }}>
          {item.phase === 'paused' && (
            <Button size="sm" h={40} onClick={onResume}>
              {t('cabinet.files.resume')}
            </Button>
          )}
          <Button
            size="sm"
            h={40}
            variant="default"
            onClick={onRemove}
            aria-label={
              sending
                ? t('cabinet.files.cancelName', { name: item.name })
                : t('cabinet.files.removeName', { name: item.name })
            }
            data-testid="upload-remove"
          >
            {sending ? t('cabinet.files.cancel') : t('cabinet.files.remove')}
          </Button>
        </Stack>
      </Group>
    </Paper>
  );
}

/**
 * The schema editor in a modal over the whole screen (the drawing needs the room, on a tablet most of
 * all). It may start from an earlier drawing of a series (last week's wound, to draw this week's over it).
 */
function DrawingModal({
  cabinetId,
  opened,
  onClose,
  onSaved,
}: {
  cabinetId: string;
  opened: boolean;
  onClose: () => void;
  onSaved: (drawing: ComposerDrawing) => void;
}) {
  const { t, lang } = useI18n();
  const [from, setFrom] = useState<string | null>(null);
  const earlier = useDrawings(cabinetId, {}, opened);
  const options = (earlier.data?.series ?? []).flatMap((s) => {
    const latest = earlier.data?.drawings.find((d) => d.bodyPart === s.bodyPart && d.label === s.label);
    if (!latest) return [];
    return [
      {
        value: latest.id,
        label: `${t('cabinet.files.drawnOn', { label: s.label, at: westernDate(latest.createdAt) })} — ${
          BODY_DIAGRAMS[s.bodyPart]?.name[lang] ?? s.bodyPart
        }`,
      },
    ];
  });
  const close = () => {
    setFrom(null);
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      fullScreen
      title={<Text fw={700}>{t('cabinet.files.drawingTitle')}</Text>}
      closeOnClickOutside={false}
      closeOnEscape={false}
      closeButtonProps={{ 'aria-label': t('app.close'), size: 'lg' }}
      data-testid="drawing-modal"
    >
      {opened && (
        <Stack gap="sm">
          {options.length > 0 && (
            <Select
              size="md"
              label={t('cabinet.files.startFrom')}
              placeholder={t('cabinet.files.startNew')}
              clearable
              value={from}
              onChange={setFrom}
              data={options}
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <SchemaEditor
            key={from ?? 'new'}
            cabinetId={cabinetId}
            reopenId={from}
            onCancel={close}
            reservedHeight={TITLE_BAR + (options.length > 0 ? START_FROM : 0)}
            onSaved={(ref, saved) => {
              setFrom(null);
              onSaved({ ref, drawing: saved });
            }}
          />
        </Stack>
      )}
    </Modal>
  );
}
