import { SegmentedControl } from '@mantine/core';
import { setLang, useI18n } from './index';

export function LanguageSwitch() {
  const { t, lang } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language')}
      value={lang}
      onChange={(value) => setLang(value === 'en' ? 'en' : 'ja')}
      data={[
        { value: 'ja', label: '日本語' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
