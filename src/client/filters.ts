// `--filter key=value` flags → the API's JSON-encoded `filters` query (map of key → values).
import { InvalidArgumentError } from '../errors.js';

export type Filters = Record<string, string[]>;

export function parseFilters(flags: readonly string[]): Filters {
  const out: Filters = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`bad format of filter (expected name=value)`);
    const key = f.slice(0, eq).trim().toLowerCase();
    (out[key] ??= []).push(f.slice(eq + 1));
  }
  return out;
}

/** The query value, or undefined when there are no filters. */
export function encodeFilters(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  return JSON.stringify(filters);
}
