import type { TemplateField } from '@hie/contract';
import { Checkbox, Input, SegmentedControl, SimpleGrid, TextInput } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { numberRule } from './post-form';

/** A number's hint: 30–43 ℃, up to 1 decimal. */
function useRangeHint(): (field: Extract<TemplateField, { type: 'number' }>) => string {
  const { t } = useI18n();
  return (field) => {
    const rule = numberRule(field);
    const parts: string[] = [];
    if (rule.min !== undefined && rule.max !== undefined)
      parts.push(t('cabinet.composer.range', { min: rule.min, max: rule.max, unit: rule.unit }).trim());
    if (rule.decimals === 0) parts.push(t('cabinet.composer.integer'));
    else parts.push(t('cabinet.composer.decimals', { decimals: rule.decimals }));
    return parts.join('・');
  };
}

/** A template's inputs: a check, a choice, a number (kept as typed, with its unit and range), a text. */
export function TemplateInputs({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: readonly TemplateField[];
  values: Record<string, string | boolean>;
  /** The message of each field's problem by field id. */
  errors: Record<string, string | undefined>;
  onChange: (fieldId: string, value: string | boolean) => void;
}) {
  const { t, lang } = useI18n();
  const hint = useRangeHint();
  if (fields.length === 0) return null;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm" data-testid="template-inputs">
      {fields.map((field) => {
        const name = `inputs.${field.id}`;
        const label = field.label[lang] || field.label.ja;
        const value = values[field.id];
        const error = errors[field.id];
        switch (field.type) {
          case 'check':
            return (
              <Checkbox
                key={field.id}
                name={name}
                size="md"
                style={{ alignSelf: 'center' }}
                label={label}
                checked={value === true}
                onChange={(e) => onChange(field.id, e.currentTarget.checked)}
                error={error}
              />
            );
          case 'radio': {
            const data = [
              { value: '', label: t('cabinet.composer.unanswered') },
              ...field.options.map((o) => ({ value: o.value, label: o.label[lang] || o.label.ja })),
            ];
            const long = data.length > 4 || data.some((d) => d.label.length > 8);
            return (
              <Input.Wrapper
                key={field.id}
                label={label}
                error={error}
                style={long ? { gridColumn: '1 / -1' } : {}}
              >
                <SegmentedControl
                  name={name}
                  fullWidth
                  size="md"
                  orientation={long && data.length > 5 ? 'vertical' : 'horizontal'}
                  value={typeof value === 'string' ? value : ''}
                  onChange={(v) => onChange(field.id, v)}
                  data={data}
                  aria-label={label}
                />
              </Input.Wrapper>
            );
          }
          case 'number': {
            const unit = numberRule(field).unit;
            return (
              <TextInput
                key={field.id}
                name={name}
                size="md"
                label={label}
                description={hint(field) || undefined}
                inputMode="decimal"
                autoComplete="off"
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => onChange(field.id, e.currentTarget.value)}
                rightSection={unit || undefined}
                rightSectionWidth={unit ? Math.max(36, unit.length * 12 + 16) : undefined}
                error={error}
                data-vital={field.vital}
              />
            );
          }
          case 'text':
            return (
              <TextInput
                key={field.id}
                name={name}
                size="md"
                label={label}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => onChange(field.id, e.currentTarget.value)}
                maxLength={field.maxLength ?? 200}
                error={error}
              />
            );
          default:
            return null;
        }
      })}
    </SimpleGrid>
  );
}
