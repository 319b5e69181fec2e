import { Alert, Button, Container, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
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

export function SignInPage() {
  const { state, signIn } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

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
            {/* Single sign-on (OpenID Connect) arrives with issue 15; its providers will be listed here. */}
            <Button variant="default" fullWidth disabled title="Single sign-on is not configured on this server">
              Sign in with your organisation
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
