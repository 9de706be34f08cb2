// Human-readable sizes and durations the way docker prints them ("4.26MB", "2 minutes ago"),
// and the parsers for size flags ("512m", "1g").
import { InvalidArgumentError } from '../../errors.js';
import { formatFloatG } from './go-template/go-fmt.js';
import { ramInBytes } from '../../units/ram-in-bytes.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scaled(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return formatFloatG(size, precision) + units[i];
}

/** Decimal units with `precision` significant digits: humanSize(4262000, 3) → "4.26MB". */
export function humanSize(bytes: number, precision = 4): string {
  return scaled(bytes, 1000, DECIMAL_UNITS, precision);
}

/** Binary units: bytesSize(2147483648) → "2GiB". */
export function bytesSize(bytes: number): string {
  return scaled(bytes, 1024, BINARY_UNITS, 4);
}

/** docker's approximate duration words: "Less than a second", "About a minute", "3 days". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 minutes ago" for a Unix time in seconds. */
export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** Parses a memory size with binary multipliers ("512m", "1.5g", "1024"), as `-m` does. */
export function parseRamSize(s: string): number {
  const n = ramInBytes(s);
  if (n === undefined) throw new InvalidArgumentError(`invalid size: '${s}'`);
  return n;
}

/** Go's time.Time.String() for a Unix time: "2024-01-02 15:04:05 +0000 UTC"; `fraction`: the digits after the second. */
export function goTimeString(unixSeconds: number, fraction = ''): string {
  const d = new Date(unixSeconds * 1000);
  const off = -d.getTimezoneOffset();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const sign = off >= 0 ? '+' : '-';
  const zone = `${sign}${p2(Math.trunc(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
  let abbr = off === 0 ? 'UTC' : zone.slice(0, 3);
  if (off !== 0) {
    const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
    if (name && /^[A-Z]{3,5}$/.test(name)) abbr = name;
  }
  const frac = fraction.replace(/0+$/, '');
  const year = String(d.getFullYear()).padStart(4, '0');
  return `${year}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${frac ? `.${frac}` : ''} ${zone} ${abbr}`;
}

/** Go's time.Time.String() of an RFC 3339 time as the API sends it (`Created` of networks, volumes). */
export function goTimeStringOfRfc3339(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  const fraction = /T[^.]*\.(\d+)/.exec(value)?.[1] ?? '';
  return goTimeString(Math.floor(ms / 1000), fraction);
}

/** Shortens to `max` characters with a trailing ellipsis, as docker's tables do. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return chars.slice(0, max).join('');
  return chars.slice(0, max - 1).join('') + '…';
}
