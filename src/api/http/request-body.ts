// Reading request bodies and query values the way dockerd accepts them.
import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from '../../errors.js';

const MAX_JSON_BODY = 16 << 20;

export async function readJson<T>(req: IncomingMessage, optional = true): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new InvalidArgumentError('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') {
    if (optional) return undefined;
    throw new InvalidArgumentError('bad parameter: request body is empty');
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`);
  }
}

/** docker's boolean query values: 1/true/True, anything else but ''/0/false/False is true too. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === undefined) return dflt;
  return !['', '0', 'false', 'False', 'FALSE', 'no'].includes(v.trim());
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
  return n;
}

/** A JSON object of strings in a query value (`buildargs`, `labels`); null values are left out. */
export function jsonParam(q: URLSearchParams, name: string): Record<string, string> {
  const v = q.get(name);
  if (!v) return {};
  try {
    const obj = JSON.parse(v) as Record<string, string | null>;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(obj)) if (val !== null && val !== undefined) out[k] = String(val);
    return out;
  } catch {
    throw new InvalidArgumentError(`invalid ${name} parameter: ${v}`);
  }
}

/** `filters={"key":["v"]}` or the old `{"key":{"v":true}}` form. */
export function filtersParam(q: URLSearchParams): Record<string, string[]> {
  const raw = q.get('filters');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object') out[k] = Object.keys(v).filter((x) => (v as Record<string, unknown>)[x]);
    else throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  return out;
}

/** `since`/`until` as unix seconds (fractional allowed), RFC3339, or a Go duration ago; → nanoseconds. */
export function timeParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === '0') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const [s, f = ''] = v.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
  }
  const d = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (d) {
    const mult = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 }[d[2] as 'ns'];
    return BigInt(Math.floor(Date.now() - Number(d[1]) * mult)) * 1_000_000n;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
  return BigInt(t) * 1_000_000n;
}
