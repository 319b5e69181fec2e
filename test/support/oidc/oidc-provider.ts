import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface OidcAccount {
  email?: string;
  name?: string;
  groups?: string[];
}

export interface LocalOidcProvider {
  issuer: string;
  setAccount(id: string, account: OidcAccount): Promise<void>;
  setMode(mode: { tamperIdToken?: boolean; codeTtlSeconds?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) in a child process:
 * it is published as ES modules only, which this Jest cannot load. See provider.mjs
 * for its test-only endpoints (sign an interaction in as an account, change claims, tamper).
 */
export async function startOidcProvider(options: { clientId: string; clientSecret: string; redirectUris: string[]; accounts: Record<string, OidcAccount> }): Promise<LocalOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'provider.mjs'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { issuer: string }).issuer));
    child.once('exit', (code) => reject(new Error(`the OpenID provider stopped before it listened (exit ${code})`)));
  });
  const post = async (pathname: string, body: unknown) => {
    const response = await fetch(`${issuer}${pathname}`, { method: 'POST', body: JSON.stringify(body) });
    if (response.status !== 204) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
  };
  return {
    issuer,
    setAccount: (id, account) => post(`/test/accounts/${id}`, account),
    setMode: (mode) => post('/test/mode', mode),
    stop: () =>
      new Promise<void>((resolve) => {
        // Stopped already (by a signal, exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
