import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { addressRefusal, normalizeAddress } from './webhook-address.policy';

export interface TargetRules {
  allowHttp: boolean;
  allowLoopback: boolean;
  allowPrivate: boolean;
}

/** An endpoint's URL with the one address it will be connected to, checked. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type TargetCheck = { ok: true; target: CheckedTarget } | { ok: false; reason: string };

/** A name that does not resolve in this long is refused rather than waited for. */
const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * Checks an endpoint's URL and resolves its host, at registration and again
 * before every delivery: only http(s) (https unless allowed), no credentials
 * in the URL, and every address the name resolves to must be allowed
 * (addressRefusal) — a name with one bad address among good ones is refused,
 * since the connection could take any. The caller connects to the address
 * returned here, never to a fresh lookup, so a name that changes its answer
 * between the check and the connection (DNS rebinding) cannot move it.
 */
export async function checkTarget(rawUrl: string, rules: TargetRules): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `must be an https:// URL, not ${url.protocol}//` };
  if (url.protocol === 'http:' && !rules.allowHttp) return { ok: false, reason: 'must be an https:// URL (GATEHOUSE_WEBHOOK_ALLOW_HTTP=true allows http://)' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials (user:password@); the signature authenticates each delivery' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await withTimeout(lookup(host, { all: true, verbatim: true }), RESOLVE_TIMEOUT_MS);
    } catch (error) {
      return { ok: false, reason: `its host ${host} does not resolve (${(error as { code?: string }).code ?? (error as Error).message})` };
    }
    if (!addresses.length) return { ok: false, reason: `its host ${host} does not resolve` };
  }
  const own = ownAddresses();
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, rules, own);
    if (refusal) return { ok: false, reason: isIP(host) ? `points at ${refusal}` : `has a host, ${host}, that resolves to ${refusal}` };
  }
  const [chosen] = addresses;
  return { ok: true, target: { url, address: chosen.address, family: chosen.family === 6 ? 6 : 4 } };
}

/** Every address of this machine's network interfaces, as addressRefusal compares them. */
function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) own.add(normalizeAddress(entry.address.replace(/%.*$/, '')));
  }
  return own;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
