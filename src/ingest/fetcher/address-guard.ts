import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** dns.lookup's shape when asked for every address; tests inject their own. */
export type LookupAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

const systemLookup: LookupAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** Raised inside the connector; fetchResource turns it into FetchError('BLOCKED_ADDRESS'). */
export class BlockedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`Refusing to connect to ${host} at ${address}: ${reason} address`);
    this.name = 'BlockedAddressError';
  }
}

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private (RFC 1918)',
  reserved: 'reserved',
  uniqueLocal: 'unique local (fc00::/7)',
  deprecatedSiteLocal: 'site-local (fec0::/10)',
  ipv4Compatible: 'IPv4-compatible IPv6',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
};

function canonical(address: Address): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toNormalizedString() : address.toString();
}

// Cloud instance metadata services: link-local or unique-local anyway, but named so that the
// error says what was at stake, and kept closed even by a CIDR allowlist entry covering them.
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254'].map((a) => canonical(ipaddr.parse(a))));


function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const [, , , , , , high, low] = address.parts;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Null for a public unicast address, else the name of the range that makes it off limits. */
function blockedRange(address: Address): string | null {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  // NAT64 (64:ff9b::/96) and IPv4-translated addresses deliver to the IPv4 address inside them:
  // on an IPv6-only network with DNS64 every IPv4 site looks like this, so judge that address.
  if ((range === 'rfc6052' && v6.parts[2] === 0) || range === 'rfc6145') {
    const inner = blockedRange(embeddedIPv4(v6));
    return inner === null ? null : `${range} ${inner}`;
  }
  if (range === 'unicast' && v6.parts.slice(0, 6).every((part) => part === 0)) return 'ipv4Compatible';
  return range === 'unicast' ? null : range;
}

function describe(range: string): string {
  return range
    .split(' ')
    .map((part) => RANGE_NAMES[part] ?? part)
    .join(' of a ');
}

/**
 * Which addresses may be connected to. By default only public unicast ones: no loopback,
 * RFC 1918, link-local, CGNAT, unique-local, multicast, broadcast, unspecified or reserved
 * addresses, in IPv4 or IPv6 (IPv4-mapped forms included), and no cloud metadata endpoint.
 *
 * The allowlist (FETCH_ALLOWLIST) opens hostnames (`feeds.intranet`, or `*.intranet` for its
 * subdomains) and IP addresses or CIDR ranges (`127.0.0.1`, `10.1.0.0/16`). A metadata address
 * opens only to an entry naming that exact address.
 */
export class AddressPolicy {
  private readonly hostnames = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly ranges: [Address, number][] = [];
  private readonly exact = new Set<string>();

  constructor(allowlist: readonly string[] = []) {
    for (const raw of allowlist) {
      const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
      if (entry === '') continue;
      if (entry.includes('/')) {
        try {
          const [range, bits] = ipaddr.parseCIDR(entry);
          this.ranges.push([range.kind() === 'ipv6' ? ipaddr.process(range.toString()) : range, range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() ? bits - 96 : bits]);
        } catch {
          throw new Error(`Invalid CIDR in the fetch allowlist: ${raw}`);
        }
      } else if (ipaddr.isValid(entry)) {
        const address = ipaddr.process(entry);
        this.exact.add(canonical(address));
      } else if (entry.startsWith('*.')) {
        this.suffixes.push(entry.slice(1).replace(/\.$/, ''));
      } else {
        this.hostnames.add(entry.replace(/\.$/, ''));
      }
    }
  }

  isHostAllowlisted(host: string): boolean {
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.hostnames.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  /** Null when host may be reached at address, else why not (for the error message). */
  check(host: string, address: string): string | null {
    let parsed: Address;
    try {
      // process() turns ::ffff:10.0.0.1 into 10.0.0.1, so mapped forms get the IPv4 verdict.
      parsed = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
    } catch {
      return 'an unparsable';
    }
    const key = canonical(parsed);
    if (this.exact.has(key)) return null;
    if (METADATA_ADDRESSES.has(key)) return 'a cloud metadata';
    if (this.isHostAllowlisted(host)) return null;
    for (const [range, bits] of this.ranges) {
      if (range.kind() === parsed.kind() && parsed.match(range, bits)) return null;
    }
    const range = blockedRange(parsed);
    return range === null ? null : `a ${describe(range)}`;
  }
}

/**
 * Whether the fetcher would refuse this URL's host as things stand now, so that a source can be
 * refused when it is added instead of failing at every fetch: a literal IP address the policy
 * refuses, or a name whose addresses, as DNS gives them now, are all refused (a name resolving to
 * 127.0.0.1 is as private as 127.0.0.1). A name that does not resolve now is not refused here (DNS
 * may be down, the name may be registered later). Whatever this says, every fetch checks again at
 * connect time (guardedConnector), which is what defeats DNS rebinding.
 */
export async function refusedHost(policy: AddressPolicy, url: URL, lookup: LookupAll = systemLookup): Promise<BlockedAddressError | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const reason = policy.check(host, host);
    return reason === null ? null : new BlockedAddressError(host, host, reason);
  }
  const addresses = await new Promise<dns.LookupAddress[]>((resolve) => {
    lookup(host, { all: true }, (error, found) => resolve(error ? [] : found));
  });
  let refused: BlockedAddressError | null = null;
  for (const { address } of addresses) {
    const reason = policy.check(host, address);
    // One address the fetcher may connect to is enough: it connects to that one only.
    if (reason === null) return null;
    refused ??= new BlockedAddressError(host, address, reason);
  }
  return refused;
}

/** A lookup that only ever hands the socket addresses the policy allows. */
export function guardedLookup(policy: AddressPolicy, lookup: LookupAll = systemLookup): net.LookupFunction {
  const guarded = (
    hostname: string,
    options: dns.LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, options.all ? [] : '');
        return;
      }
      const allowed: dns.LookupAddress[] = [];
      let refused: BlockedAddressError | null = null;
      for (const entry of addresses) {
        const reason = policy.check(hostname, entry.address);
        if (reason === null) allowed.push(entry);
        else refused ??= new BlockedAddressError(hostname, entry.address, reason);
      }
      // A name with public and private addresses is only ever connected to the public ones.
      if (allowed.length === 0) {
        const notFound = Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' });
        callback(refused ?? notFound, options.all ? [] : '');
      } else if (options.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
  return guarded as net.LookupFunction;
}

/**
 * undici's connector with the address check at connect time: names are resolved by
 * guardedLookup inside net.connect, so the address checked is the address connected to (no DNS
 * rebinding between a check and the connect); literal IP hosts, which net.connect never looks
 * up, are checked before the socket opens; and the peer address of every new socket is checked
 * once more before it is used.
 */
function guardedConnector(policy: AddressPolicy, lookup?: LookupAll, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy, lookup) } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const host = connectOptions.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const reason = policy.check(host, host);
      if (reason !== null) {
        callback(new BlockedAddressError(host, host, reason), null);
        return;
      }
    }
    connect(connectOptions, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('No socket'), null);
        return;
      }
      const remote = socket.remoteAddress;
      const reason = remote ? policy.check(host, remote) : null;
      if (remote && reason !== null) {
        socket.destroy();
        callback(new BlockedAddressError(host, remote, reason), null);
        return;
      }
      callback(null, socket);
    });
  };
}

export interface GuardedAgentOptions {
  /** Hostnames, IP addresses and CIDR ranges to open (see AddressPolicy). */
  allowlist?: readonly string[];
  /** Replaces dns.lookup (tests). */
  lookup?: LookupAll;
  connectTimeoutMs?: number;
  /** Sockets per origin. */
  connections?: number;
}

/** An undici Agent whose every connection goes through the address policy. */
export class GuardedAgent extends Agent {
  readonly policy: AddressPolicy;

  constructor(options: GuardedAgentOptions = {}) {
    const policy = new AddressPolicy(options.allowlist);
    super({
      connect: guardedConnector(policy, options.lookup, { timeout: options.connectTimeoutMs ?? 10_000 }),
      connections: options.connections ?? 4,
      keepAliveTimeout: 4_000,
    });
    this.policy = policy;
  }
}

/** FETCH_ALLOWLIST as a list: entries separated by commas or whitespace. */
export function parseAllowlist(value: string | null | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
}
