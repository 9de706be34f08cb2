// Which events `GET /events` sends: the time window and docker's event filters. Unknown keys
// are ignored, as docker does.
import { FilterArgs } from '../filters/mod.js';
import type { EngineEvent } from './engine-event.js';

export interface EventFilter {
  since?: number; // nanoseconds
  until?: number; // nanoseconds
  filters?: FilterArgs;
}

/** Events whose action only starts with the filter value (`health_status: healthy`, `exec_start: sh`). */
const PREFIX_ACTIONS = ['health_status', 'exec_create', 'exec_start'];

export function matchesEvent(e: EngineEvent, ef: EventFilter): boolean {
  if (ef.since !== undefined && e.timeNano < ef.since) return false;
  if (ef.until !== undefined && e.timeNano > ef.until) return false;
  const f = ef.filters ?? FilterArgs.empty();
  if (f.size === 0) return true;
  const attrs = e.Actor.Attributes;
  const actionOk = f.get('event').some((v) => PREFIX_ACTIONS.includes(v)) ? f.prefix('event', e.Action) : f.exact('event', e.Action);
  // Object keys match the actor's id or name by prefix, whatever the event's type (docker's rule).
  const byName = (key: string): boolean => f.prefix(key, e.Actor.ID) || f.prefix(key, attrs.name ?? '');
  const imageName = attrs[e.Type === 'image' ? 'name' : 'image'] ?? '';
  return (
    actionOk &&
    f.exact('type', e.Type) &&
    f.exact('scope', e.scope) &&
    ['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'].every(byName) &&
    [e.Actor.ID, imageName, repositoryOf(e.Actor.ID), repositoryOf(imageName)].some((v) => f.exact('image', v)) &&
    f.labels('label', attrs)
  );
}

/** The repository without tag or digest, in its short form (`busybox` for `docker.io/library/busybox:1`). */
function repositoryOf(image: string): string {
  let name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  return name.replace(/^(docker\.io|index\.docker\.io)\/(library\/)?/, '');
}
