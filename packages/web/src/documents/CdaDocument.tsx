import { Alert, Box, Group, Image, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { westernDate, westernDateTime } from '../lib/dates';
import type { CdaNode, CdaRow, CdaSection, CdaView } from '../records/cda';

/**
 * A CDA document drawn from its view model (records/cda.ts): React elements only, every string of
 * the document as text. Nothing here sets HTML, a link or a style from the document.
 */
export function CdaDocument({ view }: { view: CdaView }) {
  const { t } = useI18n();
  return (
    <Stack gap="md" data-testid="cda-document">
      <CdaHeader view={view} />
      {view.sections.length === 0 && view.plainText === null && (
        <Text c="dimmed">{t('documentsTab.noSections')}</Text>
      )}
      {view.plainText !== null && (
        <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="cda-plain-text">
          {view.plainText}
        </Text>
      )}
      {view.sections.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the sections of a document never reorder
        <Section key={`${i}-${s.title}`} section={s} level={3} />
      ))}
    </Stack>
  );
}

function CdaHeader({ view }: { view: CdaView }) {
  const { t, lang } = useI18n();
  const p = view.patient;
  const fields: [string, ReactNode][] = [];
  if (p) {
    const sex = p.sex && p.sex !== 'U' ? t(`sex.${p.sex}`) : '';
    fields.push([
      t('documentsTab.patient'),
      <>
        {p.name}
        {p.kana && ` （${p.kana}）`}
        {sex && ` ${sex}`}
      </>,
    ]);
    if (p.birthDate) fields.push([t('documentsTab.birthDate'), westernDate(p.birthDate)]);
    if (p.id) fields.push([t('documentsTab.patientId'), p.id]);
  }
  if (view.effectiveTime) fields.push([t('documentsTab.written'), westernDateTime(view.effectiveTime)]);
  for (const a of view.authors) {
    const who = [a.person?.name, a.organization].filter(Boolean).join(lang === 'ja' ? '　' : ', ');
    if (who) fields.push([t('documentsTab.author'), who]);
  }
  if (view.custodian) fields.push([t('documentsTab.custodian'), view.custodian]);
  for (const r of view.recipients) fields.push([t('documentsTab.recipient'), r]);
  if (view.encounter?.start) {
    const end = view.encounter.end ? westernDate(view.encounter.end) : '';
    fields.push([t('documentsTab.period'), `${westernDate(view.encounter.start)}${end ? ` – ${end}` : ''}`]);
  }
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label={t('documentsTab.header')}>
      <Group justify="space-between" align="baseline" mb={4}>
        <Title order={3} size="h4">
          {view.title || t('documentsTab.untitled')}
        </Title>
        {view.version && view.version !== '1' && (
          <Text size="sm" c="dimmed">
            {t('documentsTab.version', { version: view.version })}
          </Text>
        )}
      </Group>
      <Box
        component="dl"
        m={0}
        style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 16, rowGap: 2 }}
      >
        {fields.map(([label, value], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a header's fields never reorder
          <HeaderField key={`${i}-${label}`} label={label} value={value} />
        ))}
      </Box>
    </Paper>
  );
}

function HeaderField({ label, value }: { label: string; value: ReactNode }) {
  return (
    <>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {value}
      </Text>
    </>
  );
}

function Section({ section, level }: { section: CdaSection; level: 3 | 4 | 5 | 6 }) {
  const next = Math.min(level + 1, 6) as 4 | 5 | 6;
  return (
    <Box component="section">
      {section.title && (
        <Title
          order={level}
          size="h5"
          mb={4}
          style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
        >
          {section.title}
        </Title>
      )}
      <Narrative nodes={section.narrative} />
      {section.sections.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the sections of a document never reorder
        <Box key={`${i}-${s.title}`} ml="md" mt="xs">
          <Section section={s} level={next} />
        </Box>
      ))}
    </Box>
  );
}

/** Block content (paragraphs, lists, tables) and inline runs (text, styled, br) as React elements. */
function Narrative({ nodes }: { nodes: readonly CdaNode[] }) {
  return <>{nodes.map((n, i) => renderNode(n, i))}</>;
}

function renderNode(n: CdaNode, key: number): ReactNode {
  switch (n.t) {
    case 'text':
      return n.text;
    case 'br':
      return <br key={key} />;
    case 'styled': {
      const style = {
        ...(n.bold ? { fontWeight: 700 } : {}),
        ...(n.italic ? { fontStyle: 'italic' } : {}),
        ...(n.underline || n.deleted
          ? { textDecoration: `${n.underline ? 'underline ' : ''}${n.deleted ? 'line-through' : ''}`.trim() }
          : {}),
      };
      return n.deleted ? (
        <del key={key} style={style}>
          <Narrative nodes={n.children} />
        </del>
      ) : (
        <span key={key} style={style}>
          <Narrative nodes={n.children} />
        </span>
      );
    }
    case 'sup':
      return (
        <sup key={key}>
          <Narrative nodes={n.children} />
        </sup>
      );
    case 'sub':
      return (
        <sub key={key}>
          <Narrative nodes={n.children} />
        </sub>
      );
    case 'paragraph':
      return (
        <Text key={key} component="p" size="sm" my={4} style={{ whiteSpace: 'pre-wrap' }}>
          {n.caption.length > 0 && (
            <Text span fw={700} size="sm">
              <Narrative nodes={n.caption} />{' '}
            </Text>
          )}
          <Narrative nodes={n.children} />
        </Text>
      );
    case 'list':
      return (
        <Box key={key} my={4}>
          {n.caption.length > 0 && (
            <Text size="sm" fw={700}>
              <Narrative nodes={n.caption} />
            </Text>
          )}
          <List type={n.ordered ? 'ordered' : 'unordered'} size="sm" spacing={2} withPadding>
            {n.items.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the items of a document never reorder
              <List.Item key={i}>
                <Narrative nodes={item} />
              </List.Item>
            ))}
          </List>
        </Box>
      );
    case 'table':
      return <NarrativeTable key={key} caption={n.caption} head={n.head} body={n.body} />;
    case 'image':
      return <Image key={key} src={n.src} alt={n.alt} maw={480} my={4} fit="contain" />;
    case 'omitted':
      return <OmittedMedia key={key} what={n.what} alt={n.alt} />;
  }
}

function OmittedMedia({ what, alt }: { what: 'external-image' | 'unsupported-media'; alt: string }) {
  const { t } = useI18n();
  return (
    <Text span size="sm" c="dimmed" data-testid="cda-omitted">
      {t(what === 'external-image' ? 'documentsTab.externalImage' : 'documentsTab.unsupportedMedia')}
      {alt && ` ${alt}`}
    </Text>
  );
}

function NarrativeTable({ caption, head, body }: { caption: CdaNode[]; head: CdaRow[]; body: CdaRow[] }) {
  const row = (cells: CdaRow, i: number) => (
    <Table.Tr key={i}>
      {cells.map((c, j) => {
        const Cell = c.header ? Table.Th : Table.Td;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the cells of a row never reorder
          <Cell key={j} colSpan={c.colSpan} rowSpan={c.rowSpan}>
            <Narrative nodes={c.children} />
          </Cell>
        );
      })}
    </Table.Tr>
  );
  return (
    <Table.ScrollContainer minWidth={360} my={4}>
      <Table withTableBorder withColumnBorders fz="sm" verticalSpacing={4}>
        {caption.length > 0 && (
          <caption style={{ textAlign: 'left', fontWeight: 700 }}>
            <Narrative nodes={caption} />
          </caption>
        )}
        {head.length > 0 && <Table.Thead>{head.map(row)}</Table.Thead>}
        <Table.Tbody>{body.map(row)}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function CdaUnreadable({ reason }: { reason: 'not-xml' | 'not-cda' | 'too-large' }) {
  const { t } = useI18n();
  return (
    <Alert color="yellow" data-testid="cda-unreadable">
      {t(reason === 'too-large' ? 'documentsTab.tooLarge' : 'documentsTab.notReadable')}
    </Alert>
  );
}
