import { Alert, Group, Loader, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, apiBlob, apiBytes } from '../api/client';
import { errorMessage } from '../api/errors';
import { useI18n } from '../i18n';
import { westernDate } from '../lib/dates';
import { MODALITY_NAMES, type Study } from '../records/studies';
import type { FrameFetcher, ImageEngine, ViewportState } from './cornerstone';
import {
  FRAME_ACCEPT,
  firstPart,
  framePath,
  type SeriesMeta,
  type StudyMeta,
  type StudyRef,
  studyMetaOf,
  studyPath,
  thumbnailPath,
} from './dicomweb';

type Tags = Parameters<typeof studyMetaOf>[0][number];

/** A study's series and images as WADO-RS metadata says (through the hub: policy and audit). */
export function useStudyMeta(personId: string, ref: StudyRef) {
  return useQuery({
    queryKey: ['patient', personId, 'dicom-metadata', ref.facilityOid, ref.studyUid],
    queryFn: async () =>
      studyMetaOf(
        await api<Tags[]>(`${studyPath(personId, ref)}/metadata`, { accept: 'application/dicom+json' }),
      ),
    staleTime: 5 * 60_000,
    retry: 1,
  });
}

/** The series a radiologist opens first: the longest stack (a CT's axial series), else the first. */
function defaultSeries(meta: StudyMeta): SeriesMeta | undefined {
  return [...meta.series].sort((a, b) => b.images.length - a.images.length)[0];
}

/**
 * One study in one viewport: its series as thumbnails, the stack in the middle with the overlay a
 * radiologist expects (facility, date, series, slice, window, zoom), and how measurements are scaled.
 */
export function StudyPane({
  personId,
  studyRef,
  study,
  facilityName,
  slot,
  engine,
  active,
  onActivate,
  onState,
}: {
  personId: string;
  /** The study shown: known from the URL, before the patient's study list is in. */
  studyRef: StudyRef;
  /** Its row of the 画像 list (procedure, date), once the list is in. */
  study: Study | undefined;
  facilityName: string;
  slot: string;
  engine: ImageEngine | null;
  active: boolean;
  onActivate: () => void;
  onState: (slot: string, state: ViewportState, series: SeriesMeta | null) => void;
}) {
  const { t, lang } = useI18n();
  const meta = useStudyMeta(personId, studyRef);
  const [seriesUid, setSeriesUid] = useState<string | null>(null);
  const series = meta.data
    ? (meta.data.series.find((s) => s.seriesUid === seriesUid) ?? defaultSeries(meta.data))
    : undefined;
  const element = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewportState | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const base = studyPath(personId, studyRef);
  const fetchFrame = useCallback<FrameFetcher>(
    async (image, signal) => {
      const answer = await apiBytes(`${base}${framePath(image)}`, { accept: FRAME_ACCEPT, signal });
      return firstPart(answer.body, answer.contentType);
    },
    [base],
  );
  useEffect(() => {
    const el = element.current;
    if (!engine || !el || !series) return;
    setLoadError(null);
    engine
      .show(slot, el, series.images, series.modality || 'OT', fetchFrame, (s) => {
        setState(s);
        onState(slot, s, series);
      })
      .catch(setLoadError);
  }, [engine, series, slot, fetchFrame, onState]);
  useEffect(() => () => engine?.hide(slot), [engine, slot]);
  useEffect(() => {
    const el = element.current;
    if (!el || !engine) return;
    const observer = new ResizeObserver(() => engine.resize());
    observer.observe(el);
    return () => observer.disconnect();
  }, [engine]);

  const modalityCode = study?.modality ?? meta.data?.modalities[0] ?? '';
  const modality = MODALITY_NAMES[modalityCode]?.[lang] ?? modalityCode;
  const date = study?.date ?? meta.data?.date ?? null;
  const procedure = study?.procedure ?? meta.data?.description ?? '';
  const first = series?.images[0];
  return (
    <div className="viewer-pane" data-active={active || undefined}>
      <ScrollArea className="viewer-series" type="auto" offsetScrollbars>
        <div className="viewer-series-list">
          {meta.data?.series.map((s) => (
            <SeriesThumb
              key={s.seriesUid}
              base={base}
              series={s}
              selected={s.seriesUid === series?.seriesUid}
              onSelect={() => {
                onActivate();
                setSeriesUid(s.seriesUid);
              }}
            />
          ))}
        </div>
      </ScrollArea>
      <div className="viewer-stage">
        {meta.isPending && (
          <Group className="viewer-message" gap="xs">
            <Loader size="sm" />
          </Group>
        )}
        {meta.isError && (
          <Alert className="viewer-message" color="red">
            {errorMessage(meta.error, lang)}
          </Alert>
        )}
        {meta.data && meta.data.series.length === 0 && (
          <Alert className="viewer-message" color="yellow">
            {t('viewer.notFound')}
          </Alert>
        )}
        {loadError !== null && (
          <Alert className="viewer-message" color="red">
            {t('viewer.failed', { message: errorMessage(loadError, lang) })}
          </Alert>
        )}
        {/* A slider of the stack: arrow keys and PageUp/PageDown/Home/End move through the slices. */}
        <div
          ref={element}
          className="viewer-viewport"
          data-testid="viewport"
          data-slot={slot}
          data-study={studyRef.studyUid}
          data-series={series?.seriesUid ?? ''}
          tabIndex={0}
          role="slider"
          aria-valuemin={1}
          aria-valuemax={state?.count ?? series?.images.length ?? 1}
          aria-valuenow={(state?.index ?? 0) + 1}
          aria-valuetext={
            state ? t('viewer.slice', { index: state.index + 1, count: state.count }) : undefined
          }
          aria-label={t('viewer.studyLabel', {
            date: westernDate(date),
            modality,
            procedure,
            facility: facilityName,
          })}
          onPointerDown={onActivate}
          onFocus={onActivate}
          onContextMenu={(e) => e.preventDefault()}
        />
        <div className="viewer-overlay viewer-overlay-tl">
          <div>{facilityName}</div>
          <div>
            {westernDate(date)} {modalityCode} {procedure}
          </div>
          {series && (
            <div>
              {t('viewer.seriesLabel', {
                number: series.number ?? '',
                description: series.description || series.bodyPart || series.modality,
                count: series.images.length,
              })}
            </div>
          )}
        </div>
        <div className="viewer-overlay viewer-overlay-tr" data-testid="viewport-slice">
          {state && t('viewer.slice', { index: state.index + 1, count: state.count })}
        </div>
        <div className="viewer-overlay viewer-overlay-bl" data-testid="viewport-window">
          {state?.window &&
            first?.samplesPerPixel === 1 &&
            t('viewer.window', {
              center: Math.round(state.window.center),
              width: Math.round(state.window.width),
            })}
          {state && <div>{t('viewer.zoom', { zoom: state.zoom.toFixed(2) })}</div>}
        </div>
        <div className="viewer-overlay viewer-overlay-br">
          {first?.spacing === null && <div>{t('viewer.noSpacing')}</div>}
          {first?.spacingAtDetector && <div>{t('viewer.detectorSpacing')}</div>}
          {meta.data && meta.data.unsupported > 0 && (
            <div>{t('viewer.unsupported', { count: meta.data.unsupported })}</div>
          )}
        </div>
      </div>
    </div>
  );
}

/** A series' first image, rendered by the gateway (a PNG), with its number and size. */
function SeriesThumb({
  base,
  series,
  selected,
  onSelect,
}: {
  base: string;
  series: SeriesMeta;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    let cancelled = false;
    apiBlob(`${base}${thumbnailPath(series)}`, { accept: 'image/png' })
      .then((blob) => {
        if (cancelled) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [base, series]);
  const label = useMemo(
    () =>
      t('viewer.seriesLabel', {
        number: series.number ?? '',
        description: series.description || series.bodyPart || series.modality,
        count: series.images.length,
      }),
    [t, series],
  );
  return (
    <UnstyledButton
      className="viewer-thumb"
      data-selected={selected || undefined}
      data-testid="series-thumb"
      aria-pressed={selected}
      aria-label={label}
      onClick={onSelect}
    >
      <Stack gap={2} align="center">
        {url ? <img src={url} alt="" width={88} height={88} /> : <div className="viewer-thumb-empty" />}
        <Text size="xs" ta="center" lineClamp={2}>
          {series.number ?? ''} {series.description || series.modality} ({series.images.length})
        </Text>
      </Stack>
    </UnstyledButton>
  );
}
