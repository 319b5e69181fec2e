// A real OpenID Connect provider (oidc-provider, ES modules only) for the SSO e2e spec, run in a child
// process: `node provider.mjs '<json options>'` prints {"issuer": "http://127.0.0.1:<port>"} once listening.
// Options: { clientId, clientSecret, redirectUris: [...], accounts: { <id>: { email, name, groups } } }.
// Test-only endpoints (this is a test double of a user at a browser, not part of any provider):
//   GET  /interaction/:uid?login=<account>  signs the pending interaction in as <account> (no form, no consent page)
//   POST /test/accounts/:id                 body {email?, name?, groups}: replaces the account's claims
//   POST /test/mode                         body {tamperIdToken?: boolean, codeTtlSeconds?: number}
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2]);
const accounts = new Map(Object.entries(options.accounts ?? {}));
const mode = { tamperIdToken: false, codeTtlSeconds: 60 };

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

let handler = () => {};
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: options.redirectUris,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['test-cookie-key-0123456789'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  // The groups go into the id_token itself, as Entra ID and Keycloak (with a mapper) do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AuthorizationCode: () => mode.codeTtlSeconds, Interaction: 600, Session: 600, Grant: 600, IdToken: 300, AccessToken: 300 },
  findAccount: (ctx, id) => {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name, groups: accounts.get(id).groups }),
    };
  },
  // No consent page: the test client is granted what it asks for.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

// A tampered id_token: one claim changed after signing (the signature no longer matches).
provider.use(async (ctx, next) => {
  await next();
  if (mode.tamperIdToken && ctx.path === '/token' && ctx.body && typeof ctx.body.id_token === 'string') {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.groups = ['gh-admins'];
    ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
  }
});

const readJson = (req) =>
  new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body ? JSON.parse(body) : {}));
  });

const callback = provider.callback();
handler = async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (interaction && req.method === 'GET') {
      const login = url.searchParams.get('login');
      if (!login) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('sign in with ?login=<account>');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    const account = /^\/test\/accounts\/([^/]+)$/.exec(url.pathname);
    if (account && req.method === 'POST') {
      accounts.set(account[1], { ...accounts.get(account[1]), ...(await readJson(req)) });
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/test/mode' && req.method === 'POST') {
      Object.assign(mode, await readJson(req));
      res.writeHead(204).end();
      return;
    }
    callback(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error));
  }
};

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
