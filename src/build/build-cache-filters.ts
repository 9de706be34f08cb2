// `POST /build/prune` filters as docker hands them to BuildKit: `until` (or its old name
// `unused-for`) as a Go duration of disuse to keep, and `id`, `description`, `type` matched
// against the cache records; other keys are passed over, as docker does.
import { InvalidArgumentError } from '../errors.js';
import { FilterArgs, goDurationNs } from '../filters/mod.js';
import type { CacheEntry } from './build-cache.js';

/** A predicate that is true for the cache entries the prune should keep. */
export function buildCacheKeep(f: FilterArgs, now = Date.now()): (e: CacheEntry) => boolean {
  if (f.has('until') && f.has('unused-for')) throw new InvalidArgumentError('conflicting filters: "until" and "unused-for"');
  const key = f.has('unused-for') ? 'unused-for' : 'until';
  const durations = f.get(key);
  if (durations.length > 1) throw new InvalidArgumentError('filters expect only one value');
  let keepMs = 0;
  if (durations.length === 1) {
    const ns = goDurationNs(durations[0]!);
    if (ns === undefined) throw new InvalidArgumentError(`"${key}" filter expects a duration (e.g., '24h'): time: invalid duration ${JSON.stringify(durations[0])}`);
    keepMs = ns / 1e6;
  }
  for (const k of ['id', 'description', 'type']) if (f.get(k).length > 1) throw new InvalidArgumentError('filters expect only one value');
  const [id] = f.get('id');
  return (e) => {
    if (keepMs > 0 && now - e.lastUsed < keepMs) return true;
    if (id !== undefined && !e.key.slice('sha256:'.length).includes(id)) return true;
    if (!f.exact('description', e.description)) return true;
    if (!f.exact('type', 'regular')) return true;
    return false;
  };
}
