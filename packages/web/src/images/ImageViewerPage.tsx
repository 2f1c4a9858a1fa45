import { Alert, Anchor, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { PatientHeader } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { westernDate } from '../lib/dates';
import { PatientHeaderCard } from '../patient-header/PatientHeader';
import { MODALITY_NAMES, type Study } from '../records/studies';
import type { ImageEngine, Measurement, PrimaryTool, ViewportState } from './cornerstone';
import {
  CT_PRESETS,
  type CtPreset,
  parseStudyParam,
  type SeriesMeta,
  type StudyRef,
  studyParam,
} from './dicomweb';
import { ReportPanel } from './ReportPanel';
import { StudyPane } from './StudyPane';
import { useViewerStudies } from './useViewerStudies';
import './viewer.css';

const TOOLS: PrimaryTool[] = ['windowLevel', 'pan', 'zoom', 'scroll', 'length', 'angle'];
const PRESETS = Object.keys(CT_PRESETS) as CtPreset[];

let engines = 0;

/** The viewer's engine (Cornerstone3D), loaded on first use: it is not in the first page's JavaScript. */
function useImageEngine(): ImageEngine | null {
  const [engine, setEngine] = useState<ImageEngine | null>(null);
  useEffect(() => {
    let made: ImageEngine | null = null;
    let cancelled = false;
    import('./cornerstone')
      .then((m) => m.ImageEngine.create(`hie-viewer-${++engines}`))
      .then((e) => {
        if (cancelled) e.destroy();
        else {
          made = e;
          setEngine(e);
        }
      })
      .catch(() => {});
    return () => {
      cancelled = true;
      made?.destroy();
      setEngine(null);
    };
  }, []);
  return engine;
}

const sameStudy = (s: Study, ref: StudyRef | null) =>
  ref !== null && s.facilityOid === ref.facilityOid && s.studyUid === ref.studyUid;

/**
 * 画像ビューア: one study of the patient (and, to compare, a second one beside it), with its series,
 * window presets, measurements and its report beside the images. Opened from the 画像 tab; the URL
 * (`?study=<facility OID>~<Study UID>&compare=…`) can be shared with a colleague who may see it too.
 */
export default function ImageViewerPage() {
  const { t, lang } = useI18n();
  const { personId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const primaryRef = parseStudyParam(params.get('study'));
  const compareRef = parseStudyParam(params.get('compare'));
  const header = useQuery({
    queryKey: ['patient', personId],
    queryFn: () => api<PatientHeader>(`/patients/${encodeURIComponent(personId)}`),
  });
  const categories = useMemo(
    () => [...new Set((header.data?.identifiers ?? []).flatMap((r) => r.categories))],
    [header.data],
  );
  const studies = useViewerStudies(personId, categories, header.isSuccess);
  const engine = useImageEngine();
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const [active, setActive] = useState('A');
  const [states, setStates] = useState<Record<string, { state: ViewportState; series: SeriesMeta | null }>>(
    {},
  );
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  useEffect(() => engine?.setPrimary(tool), [engine, tool]);
  useEffect(() => engine?.onMeasurements(setMeasurements), [engine]);
  const onState = useCallback(
    (slot: string, state: ViewportState, series: SeriesMeta | null) =>
      setStates((all) => ({ ...all, [slot]: { state, series } })),
    [],
  );

  if (header.isPending) return <Loading />;
  if (header.isError) return <ErrorAlert error={header.error} onRetry={() => void header.refetch()} />;
  const withImages = studies.studies;
  const primary = withImages.find((s) => sameStudy(s, primaryRef));
  const compare = withImages.find((s) => sameStudy(s, compareRef));
  const facilityName = (oid: string) =>
    header.data.identifiers.find((r) => r.facilityOid === oid)?.facilityName ?? oid;
  // The panes start from the URL (their images come at once); the list adds labels and reports.
  const refs = [primaryRef, compareRef].filter((r): r is StudyRef => r !== null);
  const back = (
    <Anchor component={Link} to={`/patients/${encodeURIComponent(personId)}?tab=imaging`} size="sm">
      ← {t('viewer.back')}
    </Anchor>
  );
  const label = (s: Study) =>
    t('viewer.studyLabel', {
      date: westernDate(s.date),
      modality: s.modality ? (MODALITY_NAMES[s.modality]?.[lang] ?? s.modality) : '',
      procedure: s.procedure,
      facility: s.facilityName,
    });
  const activeSeries = states[active]?.series;
  const isCt = activeSeries?.modality === 'CT';
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const slots = refs.map((_, i) => (i === 0 ? 'A' : 'B'));

  return (
    <Stack gap="xs" data-testid="image-viewer" className="viewer-page">
      <PatientHeaderCard header={header.data} compact />
      {back}
      {studies.error !== null && <ErrorAlert error={studies.error} onRetry={studies.refetch} />}
      {!primaryRef && <Alert color="yellow">{t('viewer.noStudy')}</Alert>}
      {primaryRef && (
        <>
          <Paper withBorder p={6} className="viewer-toolbar" role="toolbar" aria-label={t('viewer.tools')}>
            <Group gap={4} wrap="wrap">
              {TOOLS.map((one) => (
                <Button
                  key={one}
                  size="compact-sm"
                  variant={tool === one ? 'filled' : 'default'}
                  aria-pressed={tool === one}
                  data-testid={`tool-${one}`}
                  onClick={() => setTool(one)}
                >
                  {t(`viewer.tool.${one}`)}
                </Button>
              ))}
            </Group>
            <Group gap={4} wrap="wrap" aria-label={t('viewer.presets')}>
              <Button
                size="compact-sm"
                variant="default"
                data-testid="preset-default"
                onClick={() => engine?.setWindow(active, null)}
              >
                {t('viewer.preset.default')}
              </Button>
              {isCt &&
                PRESETS.map((p) => (
                  <Button
                    key={p}
                    size="compact-sm"
                    variant="default"
                    data-testid={`preset-${p}`}
                    onClick={() => engine?.setWindow(active, CT_PRESETS[p])}
                  >
                    {t(`viewer.preset.${p}`)}
                  </Button>
                ))}
            </Group>
            <Group gap={4} wrap="wrap">
              <Button size="compact-sm" variant="default" onClick={() => engine?.reset(active)}>
                {t('viewer.reset')}
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => engine?.clearMeasurements(active)}>
                {t('viewer.clear')}
              </Button>
            </Group>
            <Select
              size="xs"
              className="viewer-compare"
              aria-label={t('viewer.compare')}
              placeholder={t('viewer.compareHint')}
              data-testid="compare-select"
              value={compareRef ? studyParam(compareRef) : null}
              clearable
              data={withImages
                .filter((s) => !sameStudy(s, primaryRef))
                .map((s) => ({
                  value: studyParam({ facilityOid: s.facilityOid, studyUid: s.studyUid ?? '' }),
                  label: label(s),
                }))}
              onChange={(value) => set('compare', value)}
            />
          </Paper>
          {!engine && (
            <Text size="sm" c="dimmed">
              {t('viewer.loadingEngine')}
            </Text>
          )}
          <div className="viewer-body" data-panes={slots.length}>
            <div className="viewer-panes">
              {refs.map((ref, i) => {
                const slot = slots[i]!;
                return (
                  <StudyPane
                    key={`${slot}-${studyParam(ref)}`}
                    personId={personId}
                    studyRef={ref}
                    study={i === 0 ? primary : compare}
                    facilityName={facilityName(ref.facilityOid)}
                    slot={slot}
                    engine={engine}
                    active={slots.length > 1 && active === slot}
                    onActivate={() => setActive(slot)}
                    onState={onState}
                  />
                );
              })}
              {measurements.length > 0 && (
                <Group
                  gap="md"
                  className="viewer-measurements"
                  data-testid="measurements"
                  aria-label={t('viewer.measurements')}
                >
                  <Text size="sm" fw={600}>
                    {t('viewer.measurements')}
                  </Text>
                  {measurements.map((m) => (
                    <Text key={m.id} size="sm" data-testid="measurement">
                      {t(`viewer.tool.${m.tool}`)} {m.value.toFixed(1)}
                      {m.unit === 'mm' || m.unit === '°' ? ` ${m.unit}` : ` ${m.unit} (px)`}
                    </Text>
                  ))}
                </Group>
              )}
            </div>
            <ReportPanel
              personId={personId}
              studies={[primary, compare].filter((s): s is Study => !!s)}
              pending={studies.pending || studies.reportsPending}
              reports={studies.reports}
              label={label}
            />
          </div>
          <Text size="xs" c="dimmed" className="viewer-keys">
            {t('viewer.keys')}
          </Text>
        </>
      )}
    </Stack>
  );
}
