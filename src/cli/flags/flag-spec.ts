// Flag declarations and the value parsers docker's flags use (ints, durations, sizes, …).
// Parsers throw plain Errors whose message goes into docker's
// `invalid argument "<v>" for "-m, --memory" flag: <message>`.
import { parseRamSize } from '../format/units.js';

export type FlagKind = 'bool' | 'value' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** The word help shows after the flag: string, list, int, bytes, duration… */
  readonly typeName?: string;
  readonly description: string;
  /** Shown as `(default …)` in help; also the value when the flag is absent (bool and value kinds). */
  readonly default?: unknown;
  readonly parse?: (raw: string) => unknown;
  readonly hidden?: boolean;
  /** A hidden second spelling (docker's `--net` for `--network`): values land under this name. */
  readonly aliasOf?: string;
}

export type FlagValues = Record<string, unknown>;

export function bool(name: string, short: string | undefined, description: string, def = false): FlagSpec {
  return { name, ...(short ? { short } : {}), kind: 'bool', description, default: def };
}

export function str(name: string, short: string | undefined, description: string, def?: string, typeName = 'string'): FlagSpec {
  return { name, ...(short ? { short } : {}), kind: 'value', typeName, description, ...(def !== undefined ? { default: def } : {}) };
}

export function list(name: string, short: string | undefined, description: string, typeName = 'list', parse?: (raw: string) => unknown): FlagSpec {
  return { name, ...(short ? { short } : {}), kind: 'list', typeName, description, ...(parse ? { parse } : {}) };
}

/** docker's undocumented spelling of another flag: hidden from help, stored as `target`. */
export function alias(name: string, target: FlagSpec): FlagSpec {
  const { short: _short, ...rest } = target;
  return { ...rest, name, hidden: true, aliasOf: target.name };
}

export function int(name: string, short: string | undefined, description: string, def?: number, typeName = 'int'): FlagSpec {
  return { name, ...(short ? { short } : {}), kind: 'value', typeName, description, parse: parseGoInt, ...(def !== undefined ? { default: def } : {}) };
}

export function typed(name: string, short: string | undefined, typeName: string, description: string, parse: (raw: string) => unknown, def?: unknown): FlagSpec {
  return { name, ...(short ? { short } : {}), kind: 'value', typeName, description, parse, ...(def !== undefined ? { default: def } : {}) };
}

/** Go's strconv.ParseInt(s, 0, 64) as pflag's int flags use it. */
export function parseGoInt(raw: string): number {
  const s = raw.replace(/_/g, '');
  if (!/^[+-]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(s)) {
    throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
  return neg ? -n : n;
}

export function parseGoUint(raw: string): number {
  if (raw.startsWith('-')) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return parseGoInt(raw);
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration; returns nanoseconds. */
export function parseGoDuration(raw: string): number {
  const bad = (): never => {
    throw new Error(`time: invalid duration ${JSON.stringify(raw)}`);
  };
  let s = raw;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') bad();
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || m[1] === '' || m[1] === '.') {
      if (/^[0-9.]+$/.test(s)) throw new Error(`time: missing unit in duration ${JSON.stringify(raw)}`);
      bad();
    }
    total += parseFloat(m![1]!) * DURATION_UNITS[m![2]!]!;
    s = s.slice(m![0].length);
  }
  return sign * Math.round(total);
}

/** `-m 512m`: binary multipliers. */
export function parseBytes(raw: string): number {
  return parseRamSize(raw);
}

/** --memory-swap also takes -1 (unlimited). */
export function parseMemSwap(raw: string): number {
  return raw === '-1' ? -1 : parseRamSize(raw);
}

/** --cpus 1.5 → nano CPUs. */
export function parseNanoCpus(raw: string): number {
  if (!/^[0-9]*\.?[0-9]+$|^[0-9]+\.$/.test(raw)) throw new Error(`failed to parse ${raw} as a rational number`);
  const n = Math.round(parseFloat(raw) * 1e9);
  if (!Number.isFinite(n)) throw new Error(`failed to parse ${raw} as a rational number`);
  return n;
}

/** `k=v` pairs (--sysctl, --log-opt as map, --annotation). */
export function parseKeyValue(raw: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new Error(`invalid key value pair format: ${raw}`);
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

/** `k=v` items of a docker map/list flag (--label, --opt) as a map; a bare `k` maps to "". */
export function keyValueMap(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq < 0) out[it] = '';
    else out[it.slice(0, eq)] = it.slice(eq + 1);
  }
  return out;
}
