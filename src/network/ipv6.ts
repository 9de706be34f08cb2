// IPv6 addresses and CIDR blocks as bigints: parsing, the canonical text form (RFC 5952),
// containment and overlap — the IPv6 half of what ipv4.ts does for IPv4.
import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

export interface Cidr6 {
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const ALL = (1n << 128n) - 1n;

export function parseIPv6(text: string): bigint {
  if (!isIPv6(text) || text.includes('%')) throw new InvalidArgumentError(`invalid IPv6 address: ${text}`);
  let t = text;
  // A trailing dotted quad (::ffff:1.2.3.4) as two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    t = `${t.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = t.split('::') as [string, string | undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function maskOf(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
}

/** Parses `addr/n`; host bits must be zero unless `loose` (then they are cleared). */
export function parseCidr6(text: string, loose = false): Cidr6 {
  const slash = text.indexOf('/');
  const prefixText = slash === -1 ? '' : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > 128) throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  const addr = parseIPv6(text.slice(0, slash));
  const prefix = Number(prefixText);
  const base = addr & maskOf(prefix);
  if (base !== addr && !loose) throw new InvalidArgumentError(`invalid subnet ${text}: it should be ${formatCidr6({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr6(c: Cidr6): string {
  return `${formatIPv6(c.base)}/${c.prefix}`;
}

export function cidr6Contains(c: Cidr6, addr: bigint): boolean {
  return (addr & maskOf(c.prefix)) === c.base;
}

export function cidr6Overlaps(a: Cidr6, b: Cidr6): boolean {
  return cidr6Contains(a, b.base) || cidr6Contains(b, a.base);
}

/** The last address of a block. */
export function cidr6Last(c: Cidr6): bigint {
  return c.base | (~maskOf(c.prefix) & ALL);
}

/** A nibble-form `…ip6.arpa` name back to its address, or undefined. */
export function ip6FromArpa(name: string): string | undefined {
  const m = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(name);
  if (!m) return undefined;
  const hex = m[1]!.split('.').filter(Boolean).reverse().join('');
  return formatIPv6(BigInt(`0x${hex}`));
}
