// docker's --since/--until values: RFC 3339 dates, Unix seconds, or durations back from now
// ("42m"), converted to the API's `seconds[.nanoseconds]` form.
import { InvalidArgumentError } from '../../errors.js';
import { parseGoDuration } from '../flags/flag-spec.js';

export function toApiTimestamp(value: string, now = Date.now()): string {
  if (value === '') return '';
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  try {
    const ns = parseGoDuration(value);
    const t = now - ns / 1e6;
    return formatSeconds(t);
  } catch {
    // not a duration: a date
  }
  let s = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`invalid value for "since/until": failed to parse value as time or duration: "${value}"`);
  const frac = /\.(\d+)/.exec(value.split('T')[1] ?? '')?.[1];
  const seconds = Math.floor(ms / 1000);
  return frac ? `${seconds}.${frac.padEnd(9, '0').slice(0, 9)}` : String(seconds);
}

function formatSeconds(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const nanos = Math.round((ms - sec * 1000) * 1e6);
  return `${sec}.${String(nanos).padStart(9, '0')}`;
}

/** RFC 3339 with nanoseconds, as docker's events print `time`. */
export function formatRfc3339Nano(timeNano: number | bigint): string {
  const ns = BigInt(timeNano);
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const d = new Date(Number(sec) * 1000);
  const off = -d.getTimezoneOffset();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p2(Math.trunc(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${frac}${zone}`;
}
