import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthorized } from '../api/client';
import { unwrap } from '../api/problem';
import type { components } from '../api/schema';
import { clearToken, getToken, rememberUnit, saveToken } from './session';
import { announceSignOut, onSignedInElsewhere, onSignedOutElsewhere } from './tabs';

export type Me = components['schemas']['MeOut'];

/** Why the user is on the sign-in page, to say so there. */
export type SignedOutReason = 'expired' | 'signed-out' | null;

interface AuthState {
  token: string | null;
  me: Me | undefined;
  meQuery: ReturnType<typeof useMeQuery>;
  signedOutReason: SignedOutReason;
  signIn: (username: string, password: string) => Promise<Me>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export const meQueryKey = (token: string | null) => ['me', token] as const;

async function fetchMe(): Promise<Me> {
  return unwrap(await api.GET('/api/v1/me'));
}

function useMeQuery(token: string | null) {
  return useQuery({
    queryKey: meQueryKey(token),
    queryFn: fetchMe,
    enabled: token !== null,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(() => getToken());
  const [signedOutReason, setSignedOutReason] = useState<SignedOutReason>(null);
  const meQuery = useMeQuery(token);

  const unitCode = meQuery.data?.unit_code;
  useEffect(() => {
    if (unitCode !== undefined) rememberUnit(unitCode);
  }, [unitCode]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setSignedOutReason('expired');
        queryClient.clear();
      }),
    [queryClient],
  );

  useEffect(
    () =>
      onSignedInElsewhere(() => {
        setSignedOutReason(null);
        setToken(getToken());
      }),
    [],
  );

  useEffect(
    () =>
      onSignedOutElsewhere(() => {
        setToken(null);
        setSignedOutReason('signed-out');
        queryClient.clear();
      }),
    [queryClient],
  );

  const signIn = useCallback(
    async (username: string, password: string): Promise<Me> => {
      const issued = unwrap(
        await api.POST('/api/v1/auth/token', {
          body: { username, password, scope: '' },
          bodySerializer: (body) => new URLSearchParams({ username: body.username, password: body.password }),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      );
      saveToken(issued.access_token, issued.expires_in);
      try {
        const me = await queryClient.fetchQuery({ queryKey: meQueryKey(issued.access_token), queryFn: fetchMe });
        setSignedOutReason(null);
        setToken(issued.access_token);
        return me;
      } catch (e) {
        clearToken();
        throw e;
      }
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    // The other tabs first, so that none of them is still asking with the token once the server has revoked it
    // (a 401 there, seen under load); then revoke on the server, and sign out here whatever it answers.
    announceSignOut();
    if (getToken()) {
      await api.POST('/api/v1/auth/logout').catch(() => undefined);
    }
    clearToken();
    setSignedOutReason('signed-out');
    setToken(null);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<AuthState>(
    () => ({ token, me: meQuery.data, meQuery, signedOutReason, signIn, signOut }),
    [token, meQuery, signedOutReason, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}
