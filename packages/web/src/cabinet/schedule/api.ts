/**
 * The schedule's calls (hub/src/cabinet/README.md, "Schedule") and the react-query hooks the panel reads
 * them through. Keys sit under the cabinet's (`['cabinet', 'one', id, …]`) so that a `cabinet` event,
 * which refreshes the whole cabinet, refreshes the schedule too.
 */
import type {
  ScheduleEntryInput,
  ScheduleEntryView,
  ScheduleExceptionInput,
  ScheduleImportReport,
  ScheduleMonthView,
} from '@hie/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_BASE, ApiError, api } from '../../api/client';
import { useCabinetEvents } from '../core/events';

const enc = encodeURIComponent;
const base = (id: string) => `/cabinets/${enc(id)}/schedule`;

export const getSchedule = (id: string, month: string, signal?: AbortSignal) =>
  api<ScheduleMonthView>(base(id), { query: { month }, ...(signal ? { signal } : {}) });
export const createEntry = (id: string, body: ScheduleEntryInput) =>
  api<ScheduleEntryView>(base(id), { method: 'POST', body });
export const updateEntry = (id: string, entryId: string, body: ScheduleEntryInput) =>
  api<ScheduleEntryView>(`${base(id)}/${enc(entryId)}`, { method: 'PUT', body });
export const deleteEntry = (id: string, entryId: string) =>
  api<{ ok: true }>(`${base(id)}/${enc(entryId)}`, { method: 'DELETE' });
export const addException = (id: string, entryId: string, body: ScheduleExceptionInput) =>
  api<ScheduleEntryView>(`${base(id)}/${enc(entryId)}/exceptions`, { method: 'POST', body });
export const removeException = (id: string, entryId: string, date: string) =>
  api<ScheduleEntryView>(`${base(id)}/${enc(entryId)}/exceptions/${enc(date)}`, { method: 'DELETE' });
/** The raw bytes of the file, so that a Shift_JIS file reaches the hub as it is. */
export const importCsv = (id: string, month: string, file: Blob) =>
  api<ScheduleImportReport>(`${base(id)}/import`, {
    method: 'POST',
    query: { month },
    body: file,
    contentType: 'text/csv',
  });
/** The export is a plain link: the session cookie goes with it, and the browser saves the file. */
export const csvUrl = (id: string, month: string) =>
  `${API_BASE}/cabinets/${enc(id)}/schedule.csv?month=${enc(month)}`;

export const scheduleKeys = {
  all: (id: string) => ['cabinet', 'one', id, 'schedule'] as const,
  month: (id: string, month: string) => ['cabinet', 'one', id, 'schedule', month] as const,
};

const noRetry = (count: number, error: unknown) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2;

export function useSchedule(id: string, month: string) {
  const queryClient = useQueryClient();
  // Someone else's change of this cabinet: ask again (the stream is opened by the cabinet's page).
  useCabinetEvents((event) => {
    if (event.type === 'cabinet' && event.cabinetId === id)
      void queryClient.invalidateQueries({ queryKey: scheduleKeys.all(id) });
  }, false);
  return useQuery({
    queryKey: scheduleKeys.month(id, month),
    queryFn: ({ signal }) => getSchedule(id, month, signal),
    retry: noRetry,
  });
}

/** A change of the schedule: every month of it is asked again afterwards. */
export function useScheduleWrite<V, R>(id: string, write: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all(id) }),
  });
}
