// Reading request bodies and query values the way dockerd accepts them.
import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from '../../errors.js';
import { parseTimestamp } from '../../filters/mod.js';

const MAX_JSON_BODY = 16 << 20;

export async function readJson<T>(req: IncomingMessage, optional = true): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new InvalidArgumentError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return parseJsonBody<T>(Buffer.concat(chunks), optional);
}

/** A JSON request body already read; empty: undefined when optional. */
export function parseJsonBody<T>(body: Buffer, optional = true): T | undefined {
  if (body.length > MAX_JSON_BODY) throw new InvalidArgumentError('request body too large');
  const text = body.toString('utf8').trim();
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

/** `since`/`until` (unix seconds, RFC 3339 or a Go duration ago, filters/filter-time.ts) → nanoseconds; '' and '0' are unset. */
export function timeParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === '0') return undefined;
  return parseTimestamp(v);
}
