import { Alert, Button, Container, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { plainWords } from '../api/problems';
import { useSession } from './session';

/**
 * Only paths inside the app: `next` comes from the URL and must not send anyone elsewhere.
 * Judged as the browser will read it, not by its first characters: `/\evil.example` and a
 * `/` followed by a tab or newline and `/evil.example` both start with one slash, yet the URL
 * parser makes them `//evil.example` (the history API then refuses them and the page breaks).
 */
function safeNext(next: string | null): string {
  if (!next?.startsWith('/')) return '/';
  const url = new URL(next, window.location.origin);
  return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
}

/** Why a single sign-on came back refused (`/sign-in?sso_error=<code>`, set by the API's callback), in plain words. */
const SSO_ERRORS: Record<string, string> = {
  unknown_provider: 'That sign-in provider is not configured on this server.',
  provider_unavailable: 'Your organisation\'s sign-in service did not answer. Try again in a moment, or ask your administrator.',
  provider_error: 'Your organisation\'s sign-in service did not let you in (you may have cancelled, or lack access to Gatehouse).',
  state_invalid: 'The sign-in took too long, or was started in another browser or tab. Start it again from this page.',
  code_rejected: 'The sign-in could not be completed (it expired or was already used). Start it again from this page.',
  id_token_invalid: 'The answer from your organisation\'s sign-in service could not be verified, so it was refused. Tell your administrator.',
  account_conflict: 'A Gatehouse account with your email already exists but is not linked to this sign-in. Ask your administrator.',
  deactivated: 'Your Gatehouse account is deactivated.',
  sign_in_failed: 'The sign-in could not be completed. Try again, or ask your administrator.',
};

function ssoErrorInWords(code: string): string {
  return Object.prototype.hasOwnProperty.call(SSO_ERRORS, code) ? SSO_ERRORS[code] : SSO_ERRORS.sign_in_failed;
}

export function SignInPage() {
  const { state, signIn } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  const ssoError = params.get('sso_error');
  const providers = useQuery({
    queryKey: ['auth', 'providers'],
    queryFn: async () => unwrap(await api.GET('/api/auth/providers')),
    staleTime: Infinity,
  });

  if (state.status === 'signed-in') return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Container size={420} py={80} component="main">
      <Title order={1} ta="center">
        Gatehouse
      </Title>
      <Text c="dimmed" ta="center" mb="lg">
        Lifecycle gates and sign-offs for AI use cases
      </Text>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            {params.get('expired') && !error && (
              <Alert color="yellow" title="Your session ended">
                Sign in again to carry on where you were.
              </Alert>
            )}
            {ssoError && !error && (
              <Alert color="red" title="Single sign-on did not work" role="alert">
                {ssoErrorInWords(ssoError)}
              </Alert>
            )}
            {error !== undefined && (
              <Alert color="red" title="Could not sign in" role="alert">
                {plainWords(error)}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={busy} fullWidth>
              Sign in
            </Button>
            <Divider label="or" labelPosition="center" />
            {/* Single sign-on: a full-page navigation, the API redirects to the provider and back. */}
            {providers.data?.length ? (
              providers.data.map((provider) => (
                <Button key={provider.id} component="a" variant="default" fullWidth href={`/api/auth/oidc/${encodeURIComponent(provider.id)}/start?next=${encodeURIComponent(next)}`}>
                  Sign in with {provider.name}
                </Button>
              ))
            ) : (
              <Button variant="default" fullWidth disabled title="Single sign-on is not configured on this server">
                Sign in with your organisation
              </Button>
            )}
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
