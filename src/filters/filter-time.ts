// docker's timestamps in filters and `since`/`until` parameters: a Go duration before now
// ("24h", "1h30m"), an RFC 3339 date or date-time (local time without a zone), or unix seconds
// with an optional fraction ("1700000000.5").
import { InvalidArgumentError } from '../errors.js';
import { goDurationNs } from './go-duration.js';
import type { FilterArgs } from './filter-args.js';

const NS_PER_S = 1_000_000_000n;

/** Unix seconds with a fraction of up to 9 digits → nanoseconds; undefined when not that form. */
export function unixTimestampNs(value: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(m[1]!) * NS_PER_S + BigInt(frac);
}

/**
 * The instant `value` names, in nanoseconds since the epoch. A duration counts back from `now` in
 * whole seconds, as docker's does; "0" is the epoch, not now.
 */
export function parseTimestamp(value: string, now: Date = new Date()): bigint {
  const d = value === '0' ? undefined : goDurationNs(value);
  if (d !== undefined) return ((BigInt(now.getTime()) * 1_000_000n - BigInt(d)) / NS_PER_S) * NS_PER_S;
  const date = parseDate(value, now);
  if (date !== undefined) return date;
  // A dash makes it a date that failed to parse; otherwise it must be unix seconds.
  const unix = value.includes('-') ? undefined : unixTimestampNs(value);
  if (unix === undefined) throw new InvalidArgumentError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  return unix;
}

/** `2006-01-02`, `2006-01-02T15`, `…T15:04`, `…T15:04:05(.999999999)`, each with an optional zone. */
function parseDate(value: string, now: Date): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, da, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  if (zone === undefined) {
    // Local time: the zone offset in effect now, like docker's fixed zone from the reference time.
    ms += now.getTimezoneOffset() * 60_000;
  } else if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

/** A prune's `until`: at most one value; objects created after it are kept. */
export function pruneUntil(args: FilterArgs, now: Date = new Date()): bigint | undefined {
  const values = args.get('until');
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new InvalidArgumentError('more than one until filter specified');
  return parseTimestamp(values[0]!, now);
}

/** True when an object created at `created` (ISO text or ms) is not after the `until` bound. */
export function createdNotAfter(created: string | number, until: bigint | undefined): boolean {
  if (until === undefined) return true;
  const ms = typeof created === 'number' ? created : Date.parse(created);
  if (Number.isNaN(ms)) return true;
  return createdNs(created, ms) <= until;
}

/** Nanoseconds of an ISO time, keeping its sub-millisecond digits. */
function createdNs(created: string | number, ms: number): bigint {
  if (typeof created === 'number') return BigInt(ms) * 1_000_000n;
  const frac = /\.(\d+)/.exec(created)?.[1] ?? '';
  return BigInt(Math.floor(ms / 1000)) * NS_PER_S + BigInt(frac.padEnd(9, '0').slice(0, 9));
}

