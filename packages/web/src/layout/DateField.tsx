import { TextInput, type TextInputProps } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { parseDateInput, warekiDate } from '../lib/dates';

const shown = (day: string) => day.replaceAll('-', '/');

/**
 * A day typed as Japanese staff write it — 2025/03/04, 20250304, R7.3.4, 令和7年3月4日 — shown as
 * YYYY/MM/DD with its wareki under it. The browser's own date input follows the browser's locale
 * (mm/dd/yyyy on an English system), which misleads here. `value` and `onChange` are YYYY-MM-DD
 * ('' = none); text that is not a day blocks the form (the browser's own validity) until corrected.
 */
export function DateField({
  value,
  onChange,
  ...props
}: Omit<TextInputProps, 'value' | 'onChange' | 'type'> & { value: string; onChange: (day: string) => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState(value ? shown(value) : '');
  const [touched, setTouched] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const parsed = parseDateInput(text);
  const invalid = text.trim() !== '' && parsed === null;

  // A value set from outside (a reset, another control) replaces what is typed.
  useEffect(() => {
    setText((current) => (parseDateInput(current) === (value || null) ? current : value ? shown(value) : ''));
  }, [value]);
  useEffect(() => {
    input.current?.setCustomValidity(invalid ? t('counter.dateInvalid') : '');
  }, [invalid, t]);

  return (
    <TextInput
      {...props}
      ref={input}
      value={text}
      inputMode="text"
      autoComplete="off"
      placeholder={props.placeholder ?? 'YYYY/MM/DD'}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        const day = parseDateInput(next);
        if (day) onChange(day);
        else if (next.trim() === '') onChange('');
      }}
      onBlur={() => {
        setTouched(true);
        if (parsed) setText(shown(parsed));
      }}
      error={touched && invalid ? t('counter.dateInvalid') : props.error}
      description={parsed && lang === 'ja' ? warekiDate(parsed) : props.description}
    />
  );
}
