import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, unwrap, whenSessionEnds, type Schema } from '../api/client';

export type Me = Schema<'MeResponse'>;

type SessionState = { status: 'loading' } | { status: 'signed-out'; expired: boolean } | { status: 'signed-in'; me: Me };

interface SessionApi {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

/**
 * The browser session: an httpOnly cookie the script never sees, and the CSRF token
 * the API hands back, kept in memory only. A reload asks the API for both again.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  // Answers read for one person stay in memory until dropped (some are never refetched): a sign-out, or a
  // sign-in on the same tab (after a session ended, the next person may be someone else), drops them all.
  const queries = useQueryClient();

  const adopt = useCallback((session: Schema<'BrowserSessionResponse'>) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', me: session.user as Me });
  }, []);

  useEffect(() => {
    whenSessionEnds(() => {
      setCsrfToken(undefined);
      setState((current) => (current.status === 'signed-in' ? { status: 'signed-out', expired: true } : current));
    });
    let cancelled = false;
    void api.GET('/api/auth/session').then(
      ({ data }) => {
        if (cancelled) return;
        if (data) adopt(data);
        else setState({ status: 'signed-out', expired: false });
      },
      () => !cancelled && setState({ status: 'signed-out', expired: false }),
    );
    return () => {
      cancelled = true;
    };
  }, [adopt]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      async signIn(email, password) {
        const session = unwrap(await api.POST('/api/auth/session', { body: { email, password } }));
        queries.clear();
        adopt(session);
      },
      async signOut() {
        await api.DELETE('/api/auth/session');
        setCsrfToken(undefined);
        setState({ status: 'signed-out', expired: false });
        queries.clear();
      },
    }),
    [state, adopt, queries],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in person; only for screens under RequireSession. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe without a session');
  return state.me;
}

/** What the signed-in person may do, by the roles the API says are in effect. */
export function useAbilities() {
  const me = useMe();
  const roles = new Set(me.effectiveRoles);
  return {
    isAdmin: roles.has('admin'),
    signs: roles.has('legal') || roles.has('assessor') || me.teams.length > 0,
    reviewsOutsideTeams: roles.has('legal') || roles.has('assessor'),
    audits: roles.has('compliance_officer') || roles.has('admin'),
    onTeams: me.teams.length > 0,
  };
}
