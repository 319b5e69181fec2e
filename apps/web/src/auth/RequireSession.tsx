import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session';

/** Screens behind sign-in: without a session, to the sign-in page, which brings the person back here after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  }
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}${location.hash}`;
    const query = new URLSearchParams({ next, ...(state.expired ? { expired: '1' } : {}) });
    return <Navigate to={`/sign-in?${query}`} replace />;
  }
  return children;
}
