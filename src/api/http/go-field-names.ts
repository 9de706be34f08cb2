// Go's encoding/json matches a body's field names to a struct's case-insensitively (an exact match
// first), so clients send e.g. `detachKeys` for DetachKeys; dockerd accepts them.

/** `body` with each key that differs only in case from one of `fields` renamed to it (an exact key wins). */
export function withGoFieldNames<T extends object>(body: T, fields: readonly string[]): T {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const src = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    const canonical = byLower.get(k.toLowerCase());
    if (canonical && canonical !== k) {
      if (!(canonical in src) && !(canonical in out)) out[canonical] = v;
    } else out[k] = v;
  }
  return out as T;
}
