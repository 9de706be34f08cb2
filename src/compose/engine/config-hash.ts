// The `com.docker.compose.config-hash` label: a SHA-256 over the service's normalized
// configuration without what must not cause a recreate (build, pull_policy, scale, the replica
// count, depends_on, profiles) — the fields compose v2 drops before hashing. Keys are sorted so the
// hash depends only on the configuration, not on the order a file wrote it in.
import { createHash } from 'node:crypto';

const IGNORED = new Set(['build', 'pull_policy', 'scale', 'depends_on', 'profiles']);

export function serviceConfigHash(service: object, extra?: Record<string, unknown>): string {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(service)) {
    if (IGNORED.has(k) || v === undefined) continue;
    if (k === 'deploy' && v !== null && typeof v === 'object') {
      const { replicas: _r, ...rest } = v as Record<string, unknown>;
      copy[k] = rest;
      continue;
    }
    copy[k] = v;
  }
  if (extra) Object.assign(copy, extra);
  return createHash('sha256').update(canonicalJson(copy)).digest('hex');
}

/** JSON with object keys in sorted order, undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
