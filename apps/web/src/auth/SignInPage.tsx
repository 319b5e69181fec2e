import { Alert, Button, Container, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { plainWords } from '../api/problems';
import { useSession } from './session';

/** Only paths inside the app: `next` comes from the URL and must not send anyone elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
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
