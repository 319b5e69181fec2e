import '@mantine/core/styles.css';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { AppRoutes } from './app/routes';
import { SessionProvider } from './auth/session';

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a 503 or a dropped connection may.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      staleTime: 5_000,
    },
  },
});

// Mantine's default primary shade is too light for body-size text on white (WCAG AA contrast).
const theme = createTheme({
  primaryShade: 8,
  defaultRadius: 'sm',
  // A dialog's close button is an icon: give it a name a screen reader can say. (A plain object, not
  // Modal.extend, which would pull the dialog into the first load.)
  components: { Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } } },
});
// Likewise "dimmed" text (gray 6, 3.3:1 on white) and placeholders: one shade darker meets 4.5:1.
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // A field's error text (red 6, 3.6:1) too.
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <QueryClientProvider client={queries}>
        <BrowserRouter>
          <SessionProvider>
            <AppRoutes />
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
