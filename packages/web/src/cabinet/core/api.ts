/**
 * The Care Cabinet's routes (hub/src/cabinet/README.md): one typed call each, and the react-query
 * hooks the screens read them through. Every key starts with 'cabinet' so a write refreshes them all.
 */
import type { CabinetOpenInput, CabinetPostInput, CabinetPushDevice } from '@hie/contract';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, apiBlob } from '../../api/client';
import type {
  CabinetDetail,
  CabinetNotification,
  CabinetSummary,
  GroupPerson,
  GroupView,
  OfferedTemplate,
  OfficeCabinet,
  PostFilters,
  PostPage,
  PostVersion,
  PostView,
  VitalSeries,
} from './types';

const enc = encodeURIComponent;
const cab = (id: string) => `/cabinets/${enc(id)}`;

// ── calls ──────────────────────────────────────────────────────────────────────────────────────────

export const listGroups = () => api<{ groups: GroupView[] }>('/cabinet-groups').then((r) => r.groups);
export const groupPeople = (groupId: string) =>
  api<{ people: GroupPerson[] }>(`/cabinet-groups/${enc(groupId)}/people`).then((r) => r.people);
export const listCabinets = () => api<{ cabinets: CabinetSummary[] }>('/cabinets').then((r) => r.cabinets);
export const openCabinet = (body: CabinetOpenInput) =>
  api<CabinetDetail>('/cabinets', { method: 'POST', body });
export const getCabinet = (id: string) => api<CabinetDetail>(cab(id));

export const inviteMember = (id: string, userId: string, facilityOid: string) =>
  api<CabinetDetail>(`${cab(id)}/members`, { method: 'POST', body: { userId, facilityOid } });
export const removeMember = (id: string, userId: string, facilityOid: string) =>
  api<CabinetDetail>(`${cab(id)}/members/${enc(userId)}`, { method: 'DELETE', query: { facilityOid } });
export const answerInvitation = (id: string, answer: 'accept' | 'decline') =>
  api<CabinetDetail | { ok: true }>(`${cab(id)}/${answer}`, { method: 'POST' });
export const leaveCabinet = (id: string) =>
  api<CabinetDetail | { ok: true }>(`${cab(id)}/leave`, { method: 'POST' });

export interface ConsentInput {
  startDate: string;
  endDate?: string;
  facilities: string[];
  note?: string;
}
export const registerConsent = (id: string, body: ConsentInput) =>
  api<CabinetDetail>(`${cab(id)}/consent`, { method: 'POST', body });
export const uploadConsentForm = (id: string, file: File) =>
  api<CabinetDetail>(`${cab(id)}/consent/form`, {
    method: 'PUT',
    query: { fileName: file.name },
    body: file,
    contentType: file.type || 'application/pdf',
  });
export const downloadConsentForm = (id: string) => apiBlob(`${cab(id)}/consent/form`);
export const withdrawConsent = (id: string, reason: string) =>
  api<CabinetDetail>(`${cab(id)}/consent/withdraw`, { method: 'POST', body: { reason } });
export const closeCabinet = (id: string, reason: string) =>
  api<CabinetDetail>(`${cab(id)}/close`, { method: 'POST', body: { reason } });

export const listPosts = (id: string, filters: PostFilters, cursor: string | null, signal?: AbortSignal) =>
  api<PostPage>(`${cab(id)}/posts`, {
    query: { ...filters, urgent: filters.urgent ? true : undefined, cursor, limit: 50 },
    ...(signal ? { signal } : {}),
  });
export const createPost = (id: string, body: CabinetPostInput) =>
  api<PostView>(`${cab(id)}/posts`, { method: 'POST', body });
export const updatePost = (id: string, postId: string, body: CabinetPostInput) =>
  api<PostView>(`${cab(id)}/posts/${enc(postId)}`, { method: 'PUT', body });
export const postVersions = (id: string, postId: string) =>
  api<{ versions: PostVersion[] }>(`${cab(id)}/posts/${enc(postId)}/versions`).then((r) => r.versions);
export const listTemplates = (id: string) =>
  api<{ templates: OfferedTemplate[] }>(`${cab(id)}/templates`).then((r) => r.templates);
export const listVitals = (id: string) =>
  api<{ series: VitalSeries[] }>(`${cab(id)}/vitals`).then((r) => r.series);
export const unreadCount = () => api<{ unread: number }>('/cabinet-notifications/count');
export const notifications = () =>
  api<{ unread: number; items: CabinetNotification[] }>('/cabinet-notifications');
export const officeCabinets = () =>
  api<{ cabinets: OfficeCabinet[] }>('/office/cabinets').then((r) => r.cabinets);

// ── keys ───────────────────────────────────────────────────────────────────────────────────────────

export const keys = {
  all: ['cabinet'] as const,
  groups: ['cabinet', 'groups'] as const,
  people: (groupId: string) => ['cabinet', 'groups', groupId, 'people'] as const,
  list: ['cabinet', 'list'] as const,
  notifications: ['cabinet', 'notifications'] as const,
  unread: ['cabinet', 'notifications', 'count'] as const,
  office: ['cabinet', 'office'] as const,
  push: ['cabinet', 'push'] as const,
  one: (id: string) => ['cabinet', 'one', id] as const,
  detail: (id: string) => ['cabinet', 'one', id, 'detail'] as const,
  posts: (id: string) => ['cabinet', 'one', id, 'posts'] as const,
  postsWith: (id: string, filters: PostFilters) => ['cabinet', 'one', id, 'posts', filters] as const,
  versions: (id: string, postId: string) => ['cabinet', 'one', id, 'versions', postId] as const,
  templates: (id: string) => ['cabinet', 'one', id, 'templates'] as const,
  vitals: (id: string) => ['cabinet', 'one', id, 'vitals'] as const,
};

/** A refusal that will not change by asking again (403 reason, 404, 422). */
const noRetry = (count: number, error: unknown) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2;

// ── hooks ──────────────────────────────────────────────────────────────────────────────────────────

export const useGroups = (enabled = true) =>
  useQuery({ queryKey: keys.groups, queryFn: listGroups, staleTime: 5 * 60_000, enabled });

export const useGroupPeople = (groupId: string | null) =>
  useQuery({
    queryKey: keys.people(groupId ?? ''),
    queryFn: () => groupPeople(groupId ?? ''),
    enabled: !!groupId,
    staleTime: 5 * 60_000,
  });

export const useCabinets = () => useQuery({ queryKey: keys.list, queryFn: listCabinets });

export const useCabinet = (id: string) =>
  useQuery({ queryKey: keys.detail(id), queryFn: () => getCabinet(id), retry: noRetry });

export function usePosts(id: string, filters: PostFilters, enabled = true) {
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    queryKey: keys.postsWith(id, filters),
    queryFn: async ({ pageParam, signal }) => {
      const page = await listPosts(id, filters, pageParam, signal);
      // Reading a page marks its posts read: the badges count again.
      void queryClient.invalidateQueries({ queryKey: keys.notifications });
      void queryClient.invalidateQueries({ queryKey: keys.list });
      return page;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    retry: noRetry,
  });
}

export const useVersions = (id: string, postId: string | null) =>
  useQuery({
    queryKey: keys.versions(id, postId ?? ''),
    queryFn: () => postVersions(id, postId ?? ''),
    enabled: !!postId,
    retry: noRetry,
  });

export const useTemplates = (id: string, enabled = true) =>
  useQuery({
    queryKey: keys.templates(id),
    queryFn: () => listTemplates(id),
    staleTime: 10 * 60_000,
    enabled,
    retry: noRetry,
  });

export const useVitals = (id: string) =>
  useQuery({ queryKey: keys.vitals(id), queryFn: () => listVitals(id), retry: noRetry });

export const useOfficeCabinets = () => useQuery({ queryKey: keys.office, queryFn: officeCabinets });

/** The navigation's unread count (a number only: nothing about a patient): asked every minute and after every event. */
export const useUnreadCount = (enabled: boolean) =>
  useQuery({
    queryKey: keys.unread,
    queryFn: unreadCount,
    enabled,
    refetchInterval: 60_000,
    retry: false,
  });

/** What is new (patients, authors, excerpts: a read of the cabinets, audited): on the list screen, refreshed by events. */
export interface PushSettings {
  enabled: boolean;
  publicKey: string | null;
  devices: CabinetPushDevice[];
}
export const pushSettings = () => api<PushSettings>('/cabinet-push');
export const sendTestPush = () =>
  api<{ results: { id: string; status: string }[] }>('/cabinet-push/test', { method: 'POST' });
export const usePushSettings = () => useQuery({ queryKey: keys.push, queryFn: pushSettings, retry: false });

export const useNotifications = (enabled: boolean) =>
  useQuery({ queryKey: keys.notifications, queryFn: notifications, enabled, retry: false });

/**
 * A write on one cabinet: what it answers replaces the detail when it is one, and everything of the
 * cabinet (posts, vitals, the list's badges) is asked again.
 */
export function useCabinetWrite<V, R>(id: string, write: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async (answer) => {
      if (answer && typeof answer === 'object' && 'members' in answer && 'access' in answer)
        queryClient.setQueryData(keys.detail(id), answer as unknown as CabinetDetail);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.one(id) }),
        queryClient.invalidateQueries({ queryKey: keys.list }),
        queryClient.invalidateQueries({ queryKey: keys.notifications }),
      ]);
    },
  });
}
