import * as ipaddr from 'ipaddr.js';

/** Which addresses beyond the public internet an endpoint may have (GATEHOUSE_WEBHOOK_ALLOW_*). */
export interface AddressAllowance {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

/** Ranges an endpoint may reach only when allowed: the machine itself, and networks behind it. */
const LOOPBACK = new Set(['loopback']);
const PRIVATE = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Why a webhook may not be sent to `address` (an IP address as text), or
 * undefined when it may. A request from the service reaches whatever the
 * service can reach: without this, registering an endpoint would let an
 * administrator's credentials (or a stolen key) probe the service's own
 * network — a cloud's metadata service at 169.254.169.254, an admin port on
 * localhost. Public unicast addresses are allowed; loopback and private
 * networks only when configured; the service's own addresses (its network
 * interfaces), link-local, unspecified, multicast, reserved and the IPv6
 * ranges that carry an IPv4 address inside (NAT64, 6to4, Teredo) never.
 */
export function addressRefusal(address: string, allowance: AddressAllowance, ownAddresses: ReadonlySet<string>): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  const shown = parsed.toString();
  if (LOOPBACK.has(range)) return allowance.allowLoopback ? undefined : `${shown} is a loopback address (GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK=true allows it)`;
  if (ownAddresses.has(shown)) return `${shown} is an address of this service`;
  if (range === 'unicast') return undefined;
  if (PRIVATE.has(range)) return allowance.allowPrivate ? undefined : `${shown} is in a private network (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows it)`;
  return `${shown} is a ${RANGE_NAMES[range] ?? `${range}`} address, never allowed`;
}

const RANGE_NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
  rfc6052: 'NAT64 (IPv4-embedding)',
  rfc6145: 'IPv4-translated',
  '6to4': '6to4 (IPv4-embedding)',
  teredo: 'Teredo (IPv4-embedding)',
};

/** The address as addressRefusal compares it with the service's own (IPv4-mapped IPv6 as IPv4). */
export function normalizeAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address().toString() : parsed.toString();
}
