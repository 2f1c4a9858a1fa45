import { Button, Stack, Textarea } from '@mantine/core';
import { type ClipboardEvent, useState } from 'react';
import { useI18n } from '../i18n/index';
import type { DecodedCode } from './decoder';

/**
 * The text of one code at a time: pasted (added at once, as it is), or typed by a USB 2D-code reader
 * acting as a keyboard (added with the button: its text has line breaks, so Enter cannot end it).
 */
export function PastePanel({ onCodes }: { onCodes: (codes: DecodedCode[]) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');

  const add = (text: string) => {
    if (text.trim() === '') return;
    onCodes([{ text, unreadable: false }]);
    setValue('');
  };
  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const text = event.clipboardData.getData('text');
    if (text.trim() === '' || value.trim() !== '') return;
    event.preventDefault();
    add(text);
  };

  return (
    <Stack gap="sm" align="stretch">
      <Textarea
        label={t('notebook.pasteLabel')}
        description={t('notebook.pasteHint')}
        autosize
        minRows={4}
        maxRows={10}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'monospace', fontSize: 13 } }}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onPaste={paste}
        data-testid="notebook-paste"
      />
      <Button size="md" variant="light" onClick={() => add(value)} disabled={value.trim() === ''} maw={200}>
        {t('notebook.pasteAdd')}
      </Button>
    </Stack>
  );
}
