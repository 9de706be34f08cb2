// IPv4 addresses and CIDR blocks as numbers: parsing, formatting, containment and overlap.
import { InvalidArgumentError } from '../errors.js';

export interface Cidr {
  /** Network address (host bits cleared) as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new InvalidArgumentError(`invalid IPv4 address: ${text}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new InvalidArgumentError(`invalid IPv4 address: ${text}`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function isIPv4(text: string): boolean {
  try {
    parseIPv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; host bits must be zero unless `loose` (then they are cleared). */
export function parseCidr(text: string, loose = false): Cidr {
  const slash = text.indexOf('/');
  if (slash === -1) throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  const addr = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  const prefix = Number(prefixText);
  const base = (addr & maskOf(prefix)) >>> 0;
  if (base !== addr && !loose) throw new InvalidArgumentError(`invalid subnet ${text}: it should be ${formatCidr({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(c: Cidr, addr: number): boolean {
  return ((addr & maskOf(c.prefix)) >>> 0) === c.base;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

/** First and last usable host addresses (network and broadcast addresses excluded for prefixes < 31). */
export function hostRange(c: Cidr): { first: number; last: number } {
  const size = cidrSize(c);
  if (c.prefix >= 31) return { first: c.base, last: c.base + size - 1 };
  return { first: c.base + 1, last: c.base + size - 2 };
}
