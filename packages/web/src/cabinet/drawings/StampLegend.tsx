import { DRAWING_PALETTE, DRAWING_STAMP_IDS, DRAWING_STAMPS } from '@hie/contract';
import { Group, Text } from '@mantine/core';
import { useDrawingLabels } from './labels';

/** What the stamps mean: ● 発赤, ▲ 水疱, … in their colours. */
export function StampLegend() {
  const { L, lang } = useDrawingLabels();
  return (
    <Group gap="sm" aria-label={L.legend} role="list">
      {DRAWING_STAMP_IDS.map((id) => (
        <Text key={id} size="sm" role="listitem">
          <Text span fw={700} c={DRAWING_PALETTE[DRAWING_STAMPS[id].color].hex} aria-hidden>
            {DRAWING_STAMPS[id].symbol}
          </Text>{' '}
          {DRAWING_STAMPS[id][lang]}
        </Text>
      ))}
    </Group>
  );
}
