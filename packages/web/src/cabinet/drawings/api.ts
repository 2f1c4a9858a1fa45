/**
 * The schema drawing calls (hub/src/cabinet/README.md, "Schema drawings"). Keys start with the
 * cabinet's own (`['cabinet', 'one', id]`), so a write on the cabinet asks them again too.
 */
import type { BodyDiagramId, CabinetDrawingSummary, DrawingModel } from '@hie/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';

const enc = encodeURIComponent;
const base = (cabinetId: string) => `/cabinets/${enc(cabinetId)}/drawings`;

export interface DrawingSeries {
  bodyPart: BodyDiagramId;
  label: string;
  count: number;
  lastAt: string;
}
export interface DrawingList {
  drawings: CabinetDrawingSummary[];
  series: DrawingSeries[];
}
export type OpenedDrawing = CabinetDrawingSummary & { model: DrawingModel };
export interface SeriesQuery {
  bodyPart?: BodyDiagramId | null;
  label?: string | null;
}

export const saveDrawing = (cabinetId: string, body: { model: DrawingModel; thumbnailPng: string | null }) =>
  api<CabinetDrawingSummary>(base(cabinetId), { method: 'POST', body });
export const listDrawings = (cabinetId: string, query: SeriesQuery, signal?: AbortSignal) =>
  api<DrawingList>(base(cabinetId), {
    query: { bodyPart: query.bodyPart ?? undefined, label: query.label ?? undefined, limit: 100 },
    ...(signal ? { signal } : {}),
  });
export const openDrawing = (cabinetId: string, drawingId: string) =>
  api<OpenedDrawing>(`${base(cabinetId)}/${enc(drawingId)}`);

/** The SVG the hub renders from the model (for an <img>: the session cookie goes with it). */
export const drawingSvgUrl = (cabinetId: string, drawingId: string, lang: 'ja' | 'en' = 'ja') =>
  `/api/v1${base(cabinetId)}/${enc(drawingId)}.svg${lang === 'en' ? '?lang=en' : ''}`;

export const drawingKeys = {
  all: (cabinetId: string) => ['cabinet', 'one', cabinetId, 'drawings'] as const,
  list: (cabinetId: string, query: SeriesQuery) =>
    ['cabinet', 'one', cabinetId, 'drawings', 'list', query.bodyPart ?? '', query.label ?? ''] as const,
  one: (cabinetId: string, drawingId: string) =>
    ['cabinet', 'one', cabinetId, 'drawings', 'one', drawingId] as const,
};

const noRetry = (count: number, error: unknown) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2;

export const useDrawings = (cabinetId: string, query: SeriesQuery = {}, enabled = true) =>
  useQuery({
    queryKey: drawingKeys.list(cabinetId, query),
    queryFn: ({ signal }) => listDrawings(cabinetId, query, signal),
    enabled,
    retry: noRetry,
  });

export const useOpenedDrawing = (cabinetId: string, drawingId: string | null | undefined) =>
  useQuery({
    queryKey: drawingKeys.one(cabinetId, drawingId ?? ''),
    queryFn: () => openDrawing(cabinetId, drawingId ?? ''),
    enabled: !!drawingId,
    staleTime: Number.POSITIVE_INFINITY,
    retry: noRetry,
  });

export function useSaveDrawing(cabinetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { model: DrawingModel; thumbnailPng: string | null }) => saveDrawing(cabinetId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: drawingKeys.all(cabinetId) }),
  });
}
