// Go's time.ParseDuration ("1m30s", "500ms", "1.5h"), which HEALTHCHECK flags use, in nanoseconds.
import { InstructionSyntaxError } from './argument-forms.js';

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5
  'μs': 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_NS = 2 ** 63 - 1;

export function parseGoDuration(input: string): number {
  const invalid = () => new InstructionSyntaxError(`time: invalid duration ${JSON.stringify(input)}`);
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.') throw invalid();
    s = s.slice(m[0].length);
    const unit = /^[^0-9.]+/.exec(s)?.[0];
    if (!unit) throw new InstructionSyntaxError(`time: missing unit in duration ${JSON.stringify(input)}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new InstructionSyntaxError(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(input)}`);
    s = s.slice(unit.length);
    const whole = m[1] ? Number(m[1]) : 0;
    const frac = m[2] ? Number(`0.${m[2]}`) : 0;
    total += whole * scale + Math.round(frac * scale);
    if (total > MAX_NS) throw invalid();
  }
  return sign * total;
}

/** "1ms", "30s", "1m30s" — Go's Duration.String for the messages that quote one. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (Math.abs(ns) < 1e3) return `${ns}ns`;
  if (Math.abs(ns) < 1e6) return `${ns / 1e3}µs`;
  if (Math.abs(ns) < 1e9) return `${ns / 1e6}ms`;
  const neg = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  const h = Math.floor(rest / 3600e9);
  rest -= h * 3600e9;
  const m = Math.floor(rest / 60e9);
  rest -= m * 60e9;
  const sec = `${rest / 1e9}s`;
  if (h) return `${neg}${h}h${m}m${sec}`;
  if (m) return `${neg}${m}m${sec}`;
  return neg + sec;
}
