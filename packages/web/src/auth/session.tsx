import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setActivityHandler, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import { forgetPushOnLogout } from '../api/push-device';
import type { LoginResult } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'logged-out' }
  | {
      status: 'active';
      session: LoginResult;
      /** Epoch ms: when the idle timeout ends unless something is done. */
      idleExpiresAt: number;
      /** Epoch ms: the absolute end of the session. */
      expiresAt: number;
      /** The hub's idle timeout, read from the first answer (ms). */
      idleLength: number;
    };

interface SessionApi {
  state: SessionState;
  /** After the last login step: the hub answered the session. */
  start: (result: LoginResult) => void;
  /** Asks the hub again (slides the idle timeout). */
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
  /** The session ended on its own (timeout, revoked). */
  expire: () => void;
}

const SessionContext = createContext<SessionApi | null>(null);

function activeState(result: LoginResult): SessionState {
  setCsrfToken(result.csrfToken);
  const idleExpiresAt = Date.parse(result.idleExpiresAt);
  const expiresAt = Date.parse(result.expiresAt);
  return {
    status: 'active',
    session: result,
    idleExpiresAt,
    expiresAt,
    idleLength: Math.max(60_000, idleExpiresAt - Date.now()),
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const start = useCallback((result: LoginResult) => setState(activeState(result)), []);
  const expire = useCallback(() => {
    setCsrfToken(null);
    setState((s) => (s.status === 'active' ? { status: 'anonymous', reason: 'expired' } : s));
  }, []);
  const refresh = useCallback(async () => {
    try {
      setState(activeState(await api<LoginResult>('/auth/session')));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) expire();
      else throw error;
    }
  }, [expire]);
  const logout = useCallback(async () => {
    try {
      await forgetPushOnLogout().catch(() => undefined);
      const answer = await api<{ next?: string } | undefined>('/auth/logout', { method: 'POST' });
      // Signed in to other systems through the portal (SAML): their logouts next, then the login page.
      if (answer?.next?.startsWith('/saml/idp/logout')) window.location.assign(answer.next);
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous', reason: 'logged-out' });
    }
  }, []);

  useEffect(() => {
    api<LoginResult>('/auth/session')
      .then((result) => setState(activeState(result)))
      .catch(() => setState({ status: 'anonymous' }));
  }, []);

  // Every answered request slides the hub's idle timeout: keep our copy of the deadline in step.
  useEffect(() => {
    if (state.status !== 'active') return;
    setActivityHandler(() =>
      setState((s) =>
        s.status === 'active' ? { ...s, idleExpiresAt: Math.min(Date.now() + s.idleLength, s.expiresAt) } : s,
      ),
    );
    setUnauthenticatedHandler(expire);
    return () => {
      setActivityHandler(null);
      setUnauthenticatedHandler(null);
    };
  }, [state.status, expire]);

  const value = useMemo(
    () => ({ state, start, refresh, logout, expire }),
    [state, start, refresh, logout, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession outside SessionProvider');
  return context;
}

/** The active session; only inside screens behind the login. */
export function useActiveSession(): LoginResult {
  const { state } = useSession();
  if (state.status !== 'active') throw new Error('no active session');
  return state.session;
}
