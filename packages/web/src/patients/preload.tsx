import { type ComponentType, lazy } from 'react';

/**
 * A screen in its own chunk that can be loaded before it is shown. Once loaded it renders directly,
 * without suspending: React.lazy suspends on its first render even when the chunk is already there,
 * and a Suspense fallback shown for a moment holds the content back for a while longer.
 */
export function preloadable<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): { preload: () => Promise<unknown>; Component: ComponentType<P> } {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const preload = () => {
    loading ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        loading = undefined; // a failed chunk (network) may be asked for again
        throw error;
      },
    );
    return loading;
  };
  const Lazy = lazy(preload);
  // biome-ignore lint/correctness/noComponentHookFactories: made once per chunk at module level, never during a render
  function Component(props: P) {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return { preload, Component };
}

/** The patient's record (routes.tsx). */
export const patientPage = preloadable(() => import('./PatientPage'));

/** The lab tab with the chart library (PatientPage). */
export const labsTab = preloadable(() => import('./tabs/LabsTab'));

/**
 * The code a link will need once the user has logged in, loaded while the login form is filled in:
 * a link to a patient loads the record screen, and with `?tab=labs` the lab tab and its charts.
 */
export function preloadFor(location: { pathname: string; search: string }): void {
  if (!/^\/patients\/[^/]+\/?$/.test(location.pathname)) return;
  void patientPage.preload().catch(() => undefined);
  if (new URLSearchParams(location.search).get('tab') === 'labs') {
    void labsTab.preload().catch(() => undefined);
  }
}
