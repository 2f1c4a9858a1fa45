import { Alert, Badge, Box, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index';
import { createDecoder, type DecodedCode } from './decoder';

type CameraState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'scanning' }
  | { status: 'denied' }
  | { status: 'unavailable' }
  | { status: 'error'; message: string };

/** Between two reads of the camera picture (each read takes some tens of ms on an iPad). */
const READ_EVERY_MS = 150;

/**
 * The camera (the iPad's rear one: facingMode environment), read a few times a second until stopped;
 * every code seen goes to `onCodes` (the page keeps each text once). Stopped when `complete` turns true,
 * when the screen is left, and by the button; started by the button or `startSignal`.
 */
export function CameraPanel({
  onCodes,
  complete,
  startSignal = 0,
}: {
  onCodes: (codes: DecodedCode[]) => void;
  complete: boolean;
  /** Changed by the page to start the camera (「次の手帳を読み取る」). */
  startSignal?: number;
}) {
  const { t } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const timerRef = useRef<number | null>(null);
  const onCodesRef = useRef(onCodes);
  onCodesRef.current = onCodes;
  const [state, setState] = useState<CameraState>({ status: 'idle' });
  const [stoppedComplete, setStoppedComplete] = useState(false);

  const stop = useCallback(() => {
    if (timerRef.current !== null) window.clearTimeout(timerRef.current);
    timerRef.current = null;
    for (const track of streamRef.current?.getTracks() ?? []) track.stop();
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setState((s) => (s.status === 'scanning' || s.status === 'starting' ? { status: 'idle' } : s));
  }, []);

  const start = useCallback(async () => {
    setStoppedComplete(false);
    if (!navigator.mediaDevices?.getUserMedia) {
      setState({ status: 'unavailable' });
      return;
    }
    setState({ status: 'starting' });
    let stream: MediaStream;
    try {
      const [s, decoder] = await Promise.all([
        navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
        }),
        createDecoder(),
      ]);
      stream = s;
      const video = videoRef.current;
      if (!video) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      streamRef.current = stream;
      video.srcObject = stream;
      await video.play();
      setState({ status: 'scanning' });
      const read = async () => {
        if (streamRef.current !== stream) return;
        try {
          if (video.readyState >= 2 && video.videoWidth > 0) {
            const codes = await decoder.decode(video);
            if (codes.length > 0 && streamRef.current === stream) onCodesRef.current(codes);
          }
        } catch {
          // a frame that could not be read: the next one
        }
        if (streamRef.current === stream) timerRef.current = window.setTimeout(read, READ_EVERY_MS);
      };
      void read();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NotAllowedError' || name === 'SecurityError') setState({ status: 'denied' });
      else if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError')
        setState({ status: 'unavailable' });
      else setState({ status: 'error', message: (error as Error).message || name });
    }
  }, []);

  // Every code of the notebook is read: nothing more to look at (and the next patient's codes must
  // not join this notebook).
  useEffect(() => {
    if (complete && streamRef.current) {
      stop();
      setStoppedComplete(true);
    }
    if (!complete) setStoppedComplete(false);
  }, [complete, stop]);

  useEffect(() => stop, [stop]);

  useEffect(() => {
    if (startSignal > 0 && !streamRef.current) void start();
  }, [startSignal, start]);

  const running = state.status === 'scanning' || state.status === 'starting';
  return (
    <Stack gap="sm">
      <Text size="sm">{t('notebook.cameraHint')}</Text>
      {/* Shown while the camera runs; rendered always (the stream is attached to it). */}
      <Box
        pos="relative"
        bg="dark.8"
        style={{
          borderRadius: 8,
          overflow: 'hidden',
          aspectRatio: '4 / 3',
          display: running ? 'block' : 'none',
        }}
        w="100%"
        maw={454}
      >
        <video
          ref={videoRef}
          muted
          playsInline
          aria-label={t('notebook.cameraLabel')}
          data-testid="notebook-video"
          style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }}
        />
        {state.status === 'scanning' && (
          <Box
            aria-hidden
            pos="absolute"
            style={{
              inset: '10%',
              border: '3px solid var(--mantine-color-teal-5)',
              boxShadow: '0 0 0 2px rgba(0, 0, 0, 0.35)',
              borderRadius: 12,
              pointerEvents: 'none',
            }}
          />
        )}
      </Box>
      <Group gap="sm">
        {running ? (
          <Button size="md" variant="default" onClick={stop}>
            {t('notebook.cameraStop')}
          </Button>
        ) : (
          <Button size="md" onClick={() => void start()}>
            {t('notebook.cameraStart')}
          </Button>
        )}
        {state.status === 'starting' && (
          <Text size="sm" c="dimmed" role="status">
            {t('notebook.cameraStarting')}
          </Text>
        )}
        {state.status === 'scanning' && (
          <Badge color="teal" variant="light" size="lg" data-testid="notebook-scanning">
            {t('notebook.cameraScanning')}
          </Badge>
        )}
      </Group>
      {stoppedComplete && state.status === 'idle' && (
        <Text size="sm" c="teal.9" role="status">
          {t('notebook.cameraStopped')}
        </Text>
      )}
      {state.status === 'denied' && (
        <Alert color="orange" role="alert">
          {t('notebook.cameraDenied')}
        </Alert>
      )}
      {state.status === 'unavailable' && (
        <Alert color="orange" role="alert">
          {t('notebook.cameraUnavailable')}
        </Alert>
      )}
      {state.status === 'error' && (
        <Alert color="red" role="alert">
          {t('notebook.cameraError', { message: state.message })}
        </Alert>
      )}
    </Stack>
  );
}
