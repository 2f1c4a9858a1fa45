import { SOAP_SECTIONS } from '@hie/contract';
import { Group, Stack, Text } from '@mantine/core';
import { useI18n } from '../i18n/index';
import type { PostInputView, Soap } from './core/types';
import { inputText, readableInputs } from './timeline';

/** Text as typed: never HTML (React escapes it), its line breaks kept. */
export const AS_TYPED: React.CSSProperties = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' };

/** What a post says: its S/O/A/P sections (each labelled) or its text, then its inputs. */
export function PostBody({
  soap,
  text,
  inputs,
  compact,
}: {
  soap: Soap | null;
  text: string | null;
  inputs: PostInputView[];
  compact: boolean;
}) {
  const { t, lang } = useI18n();
  const size = compact ? 'xs' : 'sm';
  return (
    <Stack gap={compact ? 2 : 4}>
      {inputs.length > 0 && (
        <Group
          gap={compact ? 4 : 6}
          wrap="wrap"
          aria-label={t('cabinet.post.inputs')}
          data-testid="post-inputs"
        >
          {readableInputs(inputs).map((input) => (
            <Text
              key={input.fieldId}
              size={size}
              px={6}
              bg="gray.1"
              style={{ borderRadius: 4 }}
              data-vital={'bp' in input ? 'bp' : (input.vital ?? undefined)}
            >
              {'bp' in input
                ? `${t('cabinet.post.bloodPressure')} ${input.bp.systolic}/${input.bp.diastolic} mmHg`
                : inputText(input, lang)}
            </Text>
          ))}
        </Group>
      )}
      {soap &&
        SOAP_SECTIONS.filter((s) => soap[s].trim() !== '').map((s) => (
          <Group key={s} gap={6} wrap="nowrap" align="flex-start">
            <Text
              size={size}
              fw={700}
              c="teal.9"
              w={compact ? 12 : 16}
              style={{ flexShrink: 0 }}
              title={t(`cabinet.post.sectionName.${s}`)}
              aria-label={t(`cabinet.post.sectionName.${s}`)}
            >
              {t(`cabinet.post.section.${s}`)}
            </Text>
            <Text size={size} style={{ ...AS_TYPED, minWidth: 0 }} data-section={s}>
              {soap[s]}
            </Text>
          </Group>
        ))}
      {text && (
        <Text size={size} style={AS_TYPED} data-testid="post-text">
          {text}
        </Text>
      )}
    </Stack>
  );
}
