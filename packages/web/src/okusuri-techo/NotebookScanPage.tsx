import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n/index';
import { importNotebook, type NotebookImported } from './api';
import { CameraPanel } from './CameraPanel';
import { CollectedCodes } from './CollectedCodes';
import type { DecodedCode } from './decoder';
import { ImportOutcome } from './ImportOutcome';
import { mayImportNotebooks } from './may-import';
import { addCode, notebookState, readCode, type ScannedCode } from './notebook-codes';

import { PastePanel } from './PastePanel';
import { PhotoPanel } from './PhotoPanel';

type Method = 'camera' | 'photo' | 'paste';

/**
 * お薬手帳QR取込 (issue 13): a pharmacist scans the お薬手帳 QR codes the pharmacy system printed —
 * with the iPad's camera, from photos, or as text from a 2D-code reader — and the pharmacy's own
 * dispensings are published through the hub into the pharmacy's tenant of the repository. The screen
 * collects each code once, says which parts of a split notebook are still missing and whose notebook
 * it is; the repository reads the codes for real and answers what was imported, or why nothing was.
 */
export default function NotebookScanPage() {
  const { t } = useI18n();
  const session = useActiveSession();
  const [method, setMethod] = useState<Method>('camera');
  const [codes, setCodes] = useState<readonly ScannedCode[]>([]);
  /** Codes the camera or a photo saw that are not お薬手帳 codes (a pharmacy's web address …). */
  const [ignored, setIgnored] = useState<readonly string[]>([]);
  const [done, setDone] = useState<NotebookImported | null>(null);
  const [cameraSignal, setCameraSignal] = useState(0);
  const outcomeRef = useRef<HTMLDivElement>(null);

  const send = useMutation({
    mutationFn: (patientId: string | undefined) =>
      importNotebook(session.facility.oid, {
        qr: codes.map((c) => c.text),
        ...(patientId ? { patientId } : {}),
      }),
    onSuccess: (result) => {
      setDone(result);
      setCodes([]);
      setIgnored([]);
    },
  });
  const { reset } = send;
  // Codes added or removed after an answer: that answer was about other codes.
  useEffect(() => {
    if (codes.length === 0) return;
    setDone(null);
    reset();
  }, [codes, reset]);

  const add = useCallback((decoded: DecodedCode[], skipOthers: boolean) => {
    const read = decoded.map((d) => readCode(d.text, d.unreadable));
    const others = skipOthers ? read.filter((c) => c.kind === 'other') : [];
    const kept = skipOthers ? read.filter((c) => c.kind !== 'other') : read;
    if (others.length > 0)
      setIgnored((prev) => {
        const fresh = others.map((o) => o.text).filter((text) => !prev.includes(text));
        return fresh.length > 0 ? [...prev, ...fresh] : prev;
      });
    if (kept.length > 0) setCodes((prev) => kept.reduce(addCode, prev));
  }, []);
  const fromCamera = useCallback((d: DecodedCode[]) => add(d, true), [add]);
  const fromPhoto = useCallback((d: DecodedCode[]) => add(d, true), [add]);
  const fromText = useCallback((d: DecodedCode[]) => add(d, false), [add]);

  const state = notebookState(codes);

  // The answer is where the pharmacist looks next (below the camera on an iPad held upright).
  useEffect(() => {
    if (done || send.isError) outcomeRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [done, send.isError]);

  if (!mayImportNotebooks(session.user.profession, session.user.office))
    return (
      <Alert color="gray" role="alert" maw={720}>
        {t('notebook.forbidden')}
      </Alert>
    );

  const clear = () => {
    setCodes([]);
    setIgnored([]);
    setDone(null);
    send.reset();
  };
  const remove = (text: string) => setCodes((prev) => prev.filter((c) => c.text !== text));

  return (
    <Stack gap="md" maw={1160}>
      <div>
        <Title order={1} size="h2">
          {t('notebook.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('notebook.facility', { facility: session.facility.name })}
        </Text>
      </div>
      <Text size="sm" maw={880}>
        {t('notebook.intro')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <Tabs
            value={method}
            onChange={(v) => setMethod((v as Method | null) ?? 'camera')}
            keepMounted={false}
          >
            <Tabs.List aria-label={t('notebook.methods')} mb="md">
              <Tabs.Tab value="camera">{t('notebook.camera')}</Tabs.Tab>
              <Tabs.Tab value="photo">{t('notebook.photo')}</Tabs.Tab>
              <Tabs.Tab value="paste">{t('notebook.paste')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="camera">
              <CameraPanel
                onCodes={fromCamera}
                complete={state.state === 'complete'}
                startSignal={cameraSignal}
              />
            </Tabs.Panel>
            <Tabs.Panel value="photo">
              <PhotoPanel onCodes={fromPhoto} />
            </Tabs.Panel>
            <Tabs.Panel value="paste">
              <PastePanel onCodes={fromText} />
            </Tabs.Panel>
          </Tabs>
          {ignored.length > 0 && (
            <Text size="sm" c="orange.9" mt="sm" role="status" data-testid="notebook-ignored">
              {t('notebook.ignored', { count: ignored.length })}
            </Text>
          )}
        </Paper>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="notebook-collected">
          <Stack gap="sm">
            <Group justify="space-between" wrap="nowrap" align="center">
              <Title order={2} size="h4" id="notebook-collected">
                {t('notebook.collected')}
              </Title>
              <Badge
                size="lg"
                variant={codes.length > 0 ? 'filled' : 'light'}
                color={state.state === 'complete' ? 'teal' : 'gray'}
                data-testid="notebook-count"
                role="status"
                aria-live="polite"
              >
                {t('notebook.count', { count: codes.length })}
              </Badge>
            </Group>
            <CollectedCodes codes={codes} state={state} onRemove={remove} answered={send.isError} />
            <Group gap="sm">
              <Button
                size="lg"
                onClick={() => send.mutate(undefined)}
                disabled={codes.length === 0}
                loading={send.isPending}
                data-testid="notebook-import"
              >
                {t('notebook.import')}
              </Button>
              {codes.length > 0 && (
                <Button size="lg" variant="default" onClick={clear} disabled={send.isPending}>
                  {t('notebook.clear')}
                </Button>
              )}
            </Group>
            <div ref={outcomeRef}>
              <ImportOutcome
                done={done}
                error={send.isError ? send.error : null}
                pending={send.isPending}
                onChoose={(patientId) => send.mutate(patientId)}
                onNext={() => {
                  clear();
                  // The next notebook is scanned the way the last one was: with the camera, it starts.
                  if (method === 'camera') setCameraSignal((n) => n + 1);
                }}
              />
            </div>
          </Stack>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
