// Template functions: Go's text/template builtins and the ones docker adds (json, join, split,
// lower, upper, title, pad, truncate). `and`/`or` are evaluated lazily by the executor.
import { formatValue, goTypeName, sprint, sprintf, sprintln } from './go-fmt.js';

export type TemplateFunction = (...args: unknown[]) => unknown;

/** A value that renders itself for `{{json .}}` (docker's formatter contexts do). */
export interface JsonRenderable {
  toTemplateJSON(): unknown;
}

function argCount(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(`wrong number of args for ${name}: want ${want} got ${args.length}`);
  }
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) throw new Error(`invalid value; expected string`);
  if (typeof v === 'number' || typeof v === 'boolean') throw new Error(`wrong type for value; expected string; got ${goTypeName(v)}`);
  return formatValue(v);
}

function int(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new Error(`wrong type for value; expected int; got ${goTypeName(v)}`);
}

/** Go's truth: false, 0, nil, empty string/array/map are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return Object.keys(v).length > 0;
  }
  return true;
}

/** Go's encoding/json for a decoded-JSON-like value: sorted keys, no HTML escaping. */
export function goJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'object' && typeof (v as Partial<JsonRenderable>).toTemplateJSON === 'function') {
    return goJson((v as JsonRenderable).toTemplateJSON());
  }
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'function':
      throw new Error('json: unsupported type: func');
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v instanceof Map) return goJson(Object.fromEntries(v));
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${goJson(obj[k])}`).join(',')}}`;
}

function compareKind(v: unknown): 'number' | 'string' | 'boolean' | 'nil' | 'other' {
  if (v === undefined || v === null) return 'nil';
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' ? t : 'other';
}

function eq(a: unknown, b: unknown): boolean {
  const ka = compareKind(a);
  const kb = compareKind(b);
  if (ka === 'other' || kb === 'other') throw new Error(`non-comparable type ${goTypeName(ka === 'other' ? a : b)}`);
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return a === b;
}

function lessThan(a: unknown, b: unknown): boolean {
  const ka = compareKind(a);
  const kb = compareKind(b);
  if ((ka !== 'number' && ka !== 'string') || ka !== kb) {
    throw new Error(ka === kb ? `invalid type for comparison` : 'incompatible types for comparison');
  }
  return (a as number | string) < (b as number | string);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (v === undefined || v === null) throw new Error('index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      const i = int(k);
      const len = v.length;
      if (i < 0 || i >= len) throw new Error(`index out of range: ${i}`);
      v = typeof v === 'string' ? v.charCodeAt(i) : v[i];
    } else if (v instanceof Map) {
      v = v.get(k);
    } else if (typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      if (typeof k !== 'string') throw new Error(`value has type ${goTypeName(k)}; should be string`);
      if (Object.hasOwn(obj, k)) v = obj[k];
      else {
        // A missing key gives the map's zero value: "" for string maps (labels), nil otherwise.
        const values = Object.values(obj);
        v = values.every((x) => typeof x === 'string') ? '' : null;
      }
    } else {
      throw new Error(`can't index item of type ${goTypeName(v)}`);
    }
  }
  return v;
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${goTypeName(item)}`);
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  const n = idx.map(int);
  const start = n[0] ?? 0;
  const end = n[1] ?? item.length;
  if (start < 0 || end > item.length || start > end) throw new Error(`index out of range: ${start > end ? start : end}`);
  return item.slice(start, end);
}

function title(s: string): string {
  let prevLetter = false;
  let out = '';
  for (const ch of s) {
    const letter = /[\p{L}\p{N}_']/u.test(ch);
    out += letter && !prevLetter ? ch.toUpperCase() : ch;
    prevLetter = letter;
  }
  return out;
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>'"\0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\x00-\x1f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'") return "\\'";
    if (c === '"') return '\\"';
    return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  });
}

function evalArgsString(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

/** The functions every template may call; `and`/`or` are listed for parsing but run in the executor. */
export const BUILTIN_FUNCTIONS: Record<string, TemplateFunction> = {
  and: () => undefined,
  or: () => undefined,
  not: (...a) => (argCount('not', a, 1), !isTrue(a[0])),
  len: (...a) => (argCount('len', a, 1), length(a[0])),
  index: (item, ...keys) => index(item, ...keys),
  slice: (item, ...idx) => slice(item, ...idx),
  print: (...a) => sprint(a),
  printf: (...a) => {
    if (a.length < 1) throw new Error('wrong number of args for printf: want at least 1 got 0');
    return sprintf(str('printf', a[0]), a.slice(1));
  },
  println: (...a) => sprintln(a),
  eq: (...a) => {
    if (a.length < 2) throw new Error('missing argument for comparison');
    return a.slice(1).some((b) => eq(a[0], b));
  },
  ne: (...a) => (argCount('ne', a, 2), !eq(a[0], a[1])),
  lt: (...a) => (argCount('lt', a, 2), lessThan(a[0], a[1])),
  le: (...a) => (argCount('le', a, 2), lessThan(a[0], a[1]) || eq(a[0], a[1])),
  gt: (...a) => (argCount('gt', a, 2), lessThan(a[1], a[0])),
  ge: (...a) => (argCount('ge', a, 2), !lessThan(a[0], a[1])),
  html: (...a) => htmlEscape(evalArgsString(a)),
  js: (...a) => jsEscape(evalArgsString(a)),
  urlquery: (...a) => encodeURIComponent(evalArgsString(a)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
  call: (fn, ...a) => {
    if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
    return fn(...a);
  },
  // docker's additions
  json: (...a) => (argCount('json', a, 1), goJson(a[0])),
  split: (...a) => (argCount('split', a, 2), str('split', a[0]).split(str('split', a[1]))),
  join: (...a) => {
    argCount('join', a, 2);
    const list = a[0];
    if (!Array.isArray(list)) throw new Error(`wrong type for value; expected []string; got ${goTypeName(list)}`);
    return list.map((e) => (typeof e === 'string' ? e : formatValue(e))).join(str('join', a[1]));
  },
  title: (...a) => (argCount('title', a, 1), title(str('title', a[0]))),
  lower: (...a) => (argCount('lower', a, 1), str('lower', a[0]).toLowerCase()),
  upper: (...a) => (argCount('upper', a, 1), str('upper', a[0]).toUpperCase()),
  pad: (...a) => {
    argCount('pad', a, 3);
    const s = str('pad', a[0]);
    return s === '' ? s : ' '.repeat(Math.max(0, int(a[1]))) + s + ' '.repeat(Math.max(0, int(a[2])));
  },
  truncate: (...a) => {
    argCount('truncate', a, 2);
    const s = str('truncate', a[0]);
    const n = int(a[1]);
    const chars = [...s];
    return chars.length < n ? s : chars.slice(0, Math.max(0, n)).join('');
  },
};
