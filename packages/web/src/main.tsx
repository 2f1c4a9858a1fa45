import '@mantine/core/styles.css';
import './styles.css';
import './i18n';
import { type CSSVariablesResolver, createTheme, MantineProvider, Modal } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { SessionProvider } from './auth/session';
import { useI18n } from './i18n/index';
import { router } from './routes';

const baseTheme = {
  primaryColor: 'teal',
  primaryShade: 9,
  fontFamily:
    '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "BIZ UDPGothic", "Noto Sans JP", "Yu Gothic", Meiryo, system-ui, sans-serif',
  defaultRadius: 'sm',
  focusRing: 'always',
} as const;

/**
 * Text on Mantine's light variants (badges, active navigation, light buttons) is shade 6 on a 10 %
 * tint: about 3:1. Clinical text needs WCAG AA (4.5:1): each colour's text is a dark shade instead.
 */
const LIGHT_TEXT: Readonly<Record<string, string>> = {
  teal: '#0a5c48',
  gray: '#343a40',
  red: '#a51d1d',
  orange: '#8a3b00',
  yellow: '#6b4f00',
  blue: '#0b4f9c',
  green: '#1b5e20',
  grape: '#6d1f80',
  indigo: '#2b3a99',
  cyan: '#0b5563',
  pink: '#8c1742',
  lime: '#3b5d09',
  violet: '#4a2aa8',
  dark: '#212529',
};

/** Mantine's dimmed grey is 3.3:1 on white: #5c636a is 6:1. */
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    // Links and the primary buttons (also hovered, and on striped or hovered table rows): ≥ 6:1.
    '--mantine-color-anchor': '#0a5c48',
    '--mantine-color-teal-filled': '#0a6b54',
    '--mantine-color-teal-filled-hover': '#08503f',
    ...Object.fromEntries(
      Object.entries(LIGHT_TEXT).map(([color, text]) => [`--mantine-color-${color}-light-color`, text]),
    ),
  },
  dark: {},
});

/** The theme, with the close buttons of dialogs named in the user's language. */
function Theme({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const close = t('app.close');
  const theme = useMemo(
    () =>
      createTheme({
        ...baseTheme,
        components: {
          Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
        },
      }),
    [close],
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
      {children}
    </MantineProvider>
  );
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A refusal (4xx) will not change by asking again.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 1,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Theme>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </Theme>
  </StrictMode>,
);
