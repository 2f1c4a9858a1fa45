import { BODY_DIAGRAMS, type BodyDiagramId, type CabinetAttachmentView } from '@hie/contract';
import { Button, Group, Modal, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useDrawingLabels } from './labels';
import { StampLegend } from './StampLegend';

const isDiagram = (id: string | null | undefined): id is BodyDiagramId => !!id && id in BODY_DIAGRAMS;

/**
 * One drawing a post carries: its thumbnail (or the SVG the hub rendered) with its name and diagram;
 * a tap shows it large, with the stamps' legend. `onCompare` offers the series side by side.
 */
export function DrawingView({
  attachment,
  onCompare,
  width = 220,
}: {
  attachment: Pick<CabinetAttachmentView, 'id' | 'url' | 'thumbnailUrl' | 'bodyPart' | 'label' | 'name'>;
  onCompare?: (series: { bodyPart: BodyDiagramId; label: string }) => void;
  width?: number;
}) {
  const { L, lang } = useDrawingLabels();
  const [opened, setOpened] = useState(false);
  const phone = useMediaQuery('(max-width: 600px)') ?? false;
  const bodyPart = isDiagram(attachment.bodyPart) ? attachment.bodyPart : null;
  const diagramName = bodyPart ? BODY_DIAGRAMS[bodyPart].name[lang] : '';
  const label = attachment.label ?? attachment.name;
  const svg = lang === 'en' ? `${attachment.url}?lang=en` : attachment.url;
  const alt = `${L.drawing}: ${label}${diagramName ? `（${diagramName}）` : ''}`;
  return (
    <Paper withBorder p={6} radius="md" w={width} maw="100%">
      <UnstyledButton onClick={() => setOpened(true)} aria-label={`${L.open}: ${alt}`} w="100%">
        <img
          src={attachment.thumbnailUrl ?? svg}
          alt={alt}
          loading="lazy"
          style={{ display: 'block', width: '100%', height: 'auto', background: '#fff' }}
        />
      </UnstyledButton>
      <Group justify="space-between" gap={4} wrap="nowrap" mt={4}>
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate>
            {label}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {diagramName}
          </Text>
        </Stack>
        {onCompare && bodyPart && label && (
          <Button size="compact-sm" variant="light" onClick={() => onCompare({ bodyPart, label })}>
            {L.compare}
          </Button>
        )}
      </Group>
      <Modal opened={opened} onClose={() => setOpened(false)} title={alt} size="xl" fullScreen={phone}>
        <Stack gap="sm">
          <img
            src={svg}
            alt={alt}
            style={{
              display: 'block',
              width: '100%',
              height: 'auto',
              maxHeight: '78vh',
              objectFit: 'contain',
            }}
          />
          <StampLegend />
        </Stack>
      </Modal>
    </Paper>
  );
}
