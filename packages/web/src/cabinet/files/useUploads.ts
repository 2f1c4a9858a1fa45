import type { CabinetAttachmentRef } from '@hie/contract';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { API_BASE, api } from '../../api/client';
import { useActiveSession } from '../../auth/session';
import { canPreview, declaredType, type FileKind, kindOf } from './kinds';
import { cancelUpload, type FileView, isAbort, UploadInterrupted, UploadRefused, uploadFile } from './upload';
import { xhrFetch } from './xhr-fetch';

export type UploadPhase =
  /** Bytes on their way. */
  | 'uploading'
  /** The connection broke: asking again soon. */
  | 'retrying'
  /** The connection stayed broken: what arrived is kept, `resume` goes on. */
  | 'paused'
  /** All in; a video being converted (it may be attached already). */
  | 'processing'
  | 'ready'
  /** Refused by the hub (`problem`). */
  | 'failed';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  type: string;
  kind: FileKind | null;
  /** A local picture of it (an object URL) while the hub's thumbnail is not there. */
  preview: string | null;
  phase: UploadPhase;
  sent: number;
  retryInMs: number | null;
  fileId: string | null;
  uploadUrl: string | null;
  thumbnailUrl: string | null;
  /** The hub's refusal: its code and its words ("English / 日本語", or empty: say it by the code). */
  problem: { code: string; message: string; details?: unknown } | null;
}

export interface Uploads {
  items: UploadItem[];
  add: (files: Iterable<File>) => void;
  /** Stops it and tells the hub to forget it (DELETE), then drops it from the list. */
  remove: (key: string) => void;
  resume: (key: string) => void;
  /** The finished uploads, as a post's attachments. */
  refs: CabinetAttachmentRef[];
  /** Keys of `refs`, in the same order (to put the hub's `attachments.<i>` problems beside the file). */
  refKeys: string[];
  /** Something is still on its way (or waiting to be resumed). */
  busy: boolean;
  /** The post carries them now: not cancelled when the composer closes. */
  commit: () => void;
}

const ACTIVE: readonly UploadPhase[] = ['uploading', 'retrying', 'paused'];
const apiPath = (url: string) => (url.startsWith(API_BASE) ? url.slice(API_BASE.length) : url);
let counter = 0;

/**
 * The composer's uploads: each file sent on its own (resumable, with progress), refused files kept in
 * the list with the hub's words, videos followed until converted. Closing the composer without posting
 * cancels what was uploaded (DELETE): a draft nobody will post is not left on the hub.
 */
export function useUploads(cabinetId: string): Uploads {
  const { csrfToken } = useActiveSession();
  const [items, setItems] = useState<UploadItem[]>([]);
  const files = useRef(new Map<string, File>());
  const controllers = useRef(new Map<string, AbortController>());
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const committed = useRef(false);
  const csrf = useRef(csrfToken);
  csrf.current = csrfToken;

  const patch = useCallback((key: string, change: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const run = useCallback(
    (key: string, resumeUrl: string | null) => {
      const file = files.current.get(key);
      if (!file) return;
      controllers.current.get(key)?.abort();
      const controller = new AbortController();
      controllers.current.set(key, controller);
      patch(key, { phase: 'uploading', problem: null, retryInMs: null });
      uploadFile({
        cabinetId,
        file,
        type: declaredType(file),
        fetch: xhrFetch,
        csrfToken: csrf.current,
        resumeUrl,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'created')
            patch(key, { fileId: event.file.id, uploadUrl: event.file.uploadUrl });
          else if (event.type === 'progress')
            patch(key, { sent: event.sent, phase: 'uploading', retryInMs: null });
          else if (event.type === 'retrying') patch(key, { phase: 'retrying', retryInMs: event.inMs });
        },
      })
        .then((view) => {
          patch(key, {
            phase: view.status === 'processing' ? 'processing' : 'ready',
            sent: view.size,
            thumbnailUrl: view.thumbnailUrl,
            fileId: view.id,
            uploadUrl: view.uploadUrl,
          });
        })
        .catch((error: unknown) => {
          if (isAbort(error)) return;
          if (error instanceof UploadInterrupted) {
            patch(key, { phase: 'paused', sent: error.offset, retryInMs: null });
            return;
          }
          if (error instanceof UploadRefused) {
            patch(key, {
              phase: 'failed',
              problem: { code: error.code, message: error.message, details: error.details },
            });
            // A session that ended meanwhile: let the app's client notice it (it shows the login).
            if (error.status === 401) void api('/cabinets').catch(() => undefined);
            return;
          }
          patch(key, {
            phase: 'failed',
            problem: { code: 'upload-error', message: error instanceof Error ? error.message : '' },
          });
        })
        .finally(() => {
          if (controllers.current.get(key) === controller) controllers.current.delete(key);
        });
    },
    [cabinetId, patch],
  );

  const add = useCallback(
    (chosen: Iterable<File>) => {
      const added: UploadItem[] = [];
      for (const file of chosen) {
        counter += 1;
        const key = `u${counter}`;
        const type = declaredType(file);
        files.current.set(key, file);
        added.push({
          key,
          name: file.name,
          size: file.size,
          type,
          kind: kindOf(type),
          preview: canPreview(type) ? URL.createObjectURL(file) : null,
          phase: 'uploading',
          sent: 0,
          retryInMs: null,
          fileId: null,
          uploadUrl: null,
          thumbnailUrl: null,
          problem: null,
        });
      }
      if (added.length === 0) return;
      committed.current = false;
      setItems((list) => [...list, ...added]);
      for (const item of added) run(item.key, null);
    },
    [run],
  );

  const forget = useCallback((item: UploadItem) => {
    controllers.current.get(item.key)?.abort();
    controllers.current.delete(item.key);
    files.current.delete(item.key);
    if (item.preview) URL.revokeObjectURL(item.preview);
    if (item.uploadUrl && item.phase !== 'failed')
      void cancelUpload({ uploadUrl: item.uploadUrl, fetch: xhrFetch, csrfToken: csrf.current });
  }, []);

  const remove = useCallback(
    (key: string) => {
      const item = itemsRef.current.find((i) => i.key === key);
      if (item) forget(item);
      setItems((list) => list.filter((i) => i.key !== key));
    },
    [forget],
  );

  const resume = useCallback(
    (key: string) => {
      const item = itemsRef.current.find((i) => i.key === key);
      if (item) run(key, item.uploadUrl);
    },
    [run],
  );

  const commit = useCallback(() => {
    committed.current = true;
  }, []);

  // Back online: the paused ones go on by themselves.
  useEffect(() => {
    const online = () => {
      for (const item of itemsRef.current) if (item.phase === 'paused') run(item.key, item.uploadUrl);
    };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [run]);

  // A video being converted: asked every few seconds until it is ready or refused (video-unreadable).
  const processing = items.filter((i) => i.phase === 'processing' && i.uploadUrl).map((i) => i.key);
  const processingKey = processing.join(',');
  useEffect(() => {
    if (!processingKey) return;
    const timer = setInterval(() => {
      for (const item of itemsRef.current) {
        if (item.phase !== 'processing' || !item.uploadUrl) continue;
        api<FileView>(`${apiPath(item.uploadUrl)}/status`)
          .then((view) => {
            if (view.status === 'ready') patch(item.key, { phase: 'ready', thumbnailUrl: view.thumbnailUrl });
            else if (view.status === 'failed')
              patch(item.key, {
                phase: 'failed',
                problem: { code: view.problem ?? 'file-failed', message: '' },
                thumbnailUrl: null,
              });
            else if (view.thumbnailUrl) patch(item.key, { thumbnailUrl: view.thumbnailUrl });
          })
          .catch(() => undefined);
      }
    }, 4000);
    return () => clearInterval(timer);
  }, [processingKey, patch]);

  // A long upload keeps the session alive on the hub, but the app's own idle clock counts answers of
  // its client: one light call a minute tells it someone is at work.
  const active = items.some((i) => i.phase === 'uploading' || i.phase === 'retrying');
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      const item = itemsRef.current.find((i) => i.uploadUrl && ACTIVE.includes(i.phase));
      if (item?.uploadUrl) void api(`${apiPath(item.uploadUrl)}/status`).catch(() => undefined);
    }, 60_000);
    return () => clearInterval(timer);
  }, [active]);

  // Closed without posting: stop and cancel everything (a posted file stays with its post).
  useEffect(
    () => () => {
      for (const item of itemsRef.current) {
        if (committed.current) {
          controllers.current.get(item.key)?.abort();
          if (item.preview) URL.revokeObjectURL(item.preview);
        } else forget(item);
      }
    },
    [forget],
  );

  return useMemo(() => {
    const attached = items.filter((i) => (i.phase === 'ready' || i.phase === 'processing') && i.fileId);
    return {
      items,
      add,
      remove,
      resume,
      refs: attached.map((i) => ({ type: 'file' as const, id: i.fileId as string })),
      refKeys: attached.map((i) => i.key),
      busy: items.some((i) => ACTIVE.includes(i.phase)),
      commit,
    };
  }, [items, add, remove, resume, commit]);
}
