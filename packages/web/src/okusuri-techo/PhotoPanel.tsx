import { Button, FileButton, List, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useI18n } from '../i18n/index';
import { createDecoder, type DecodedCode, type QrDecoder } from './decoder';

interface Outcome {
  name: string;
  count: number | null;
}

let decoderLoading: Promise<QrDecoder> | null = null;

/** Photos of the QR codes (the iPad's photo library or files): every code in each photo. */
export function PhotoPanel({ onCodes }: { onCodes: (codes: DecodedCode[]) => void }) {
  const { t } = useI18n();
  const [reading, setReading] = useState(false);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);

  const read = async (files: File[]) => {
    if (files.length === 0) return;
    setReading(true);
    setOutcomes([]);
    const done: Outcome[] = [];
    try {
      decoderLoading ??= createDecoder();
      const decoder = await decoderLoading;
      for (const file of files) {
        let bitmap: ImageBitmap;
        try {
          bitmap = await createImageBitmap(file);
        } catch {
          done.push({ name: file.name, count: null });
          continue;
        }
        try {
          const codes = await decoder.decode(bitmap, true);
          done.push({ name: file.name, count: codes.length });
          if (codes.length > 0) onCodes(codes);
        } finally {
          bitmap.close();
        }
      }
    } finally {
      setOutcomes(done);
      setReading(false);
    }
  };

  return (
    <Stack gap="sm" align="flex-start">
      <Text size="sm">{t('notebook.photoHint')}</Text>
      <FileButton onChange={(files) => void read(files)} accept="image/*" multiple>
        {(props) => (
          <Button {...props} size="md" loading={reading} data-testid="notebook-photo">
            {t('notebook.photoButton')}
          </Button>
        )}
      </FileButton>
      <div role="status" aria-live="polite">
        {reading && (
          <Text size="sm" c="dimmed">
            {t('notebook.photoReading')}
          </Text>
        )}
        {outcomes.length > 0 && (
          <List size="sm" spacing={2}>
            {outcomes.map((o, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two photos may share a name
              <List.Item key={i} c={o.count ? undefined : 'red.8'}>
                {o.count === null
                  ? t('notebook.photoFailed', { name: o.name })
                  : o.count === 0
                    ? t('notebook.photoNone', { name: o.name })
                    : t('notebook.photoFound', { name: o.name, count: o.count })}
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </Stack>
  );
}
