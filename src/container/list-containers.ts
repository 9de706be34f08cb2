// `GET /containers/json`: which containers docker's ps shows, in its order, for the given filters.
import { FilterArgs, ACCEPTED_FILTERS } from '../filters/mod.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import type { ImageService } from '../image/image-service.js';

const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];

export interface ListContainersOptions {
  all?: boolean;
  limit?: number;
  filters?: FilterArgs;
}

/** Newest first; `before`/`since` name containers that must exist (docker's 404 otherwise). */
export function listContainers(cs: ContainerService, images: ImageService, o: ListContainersOptions = {}): ContainerRecord[] {
  const f = (o.filters ?? FilterArgs.empty()).validate(ACCEPTED_FILTERS.containerList);
  const limit = o.limit ?? -1;
  const exited = f.get('exited').map((v) => {
    if (!/^[-+]?\d+$/.test(v)) throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  });
  for (const v of f.get('status')) if (!STATES.includes(v)) throw new InvalidArgumentError(`invalid filter 'status=${v}'`);
  for (const v of f.get('health')) if (!HEALTH.includes(v)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${v}`);
  const isTask = f.has('is-task') ? f.bool('is-task', false) : undefined;
  // A status filter lists stopped containers too, as --all does.
  const all = Boolean(o.all) || f.has('status');
  const sorted = cs.store.list().sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  const before = f.has('before') ? findOne(sorted, f.get('before')) : undefined;
  const since = f.has('since') ? findOne(sorted, f.get('since')) : undefined;
  const ancestors = f.has('ancestor') ? new Set(f.get('ancestor').map((r) => imageIdOf(images, r)).filter((id) => id !== undefined)) : undefined;

  const out: ContainerRecord[] = [];
  let skipUntilBefore = before !== undefined;
  for (const c of sorted) {
    if (skipUntilBefore) {
      if (c.id === before!.id) skipUntilBefore = false;
      continue;
    }
    if (since && c.id === since.id) break;
    const running = c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting';
    if (!running && !all && limit <= 0) continue;
    if (!f.regexp('name', c.name) && !f.regexp('name', c.name.slice(1))) continue;
    if (!f.regexp('id', c.id)) continue;
    if (isTask === true) continue; // berth runs no swarm tasks
    if (!f.labels('label', c.config.Labels)) continue;
    if (limit > 0 && out.length === limit) break;
    if (exited.length > 0 && (running || !c.state.StartedAt || !exited.includes(c.state.ExitCode))) continue;
    if (!f.exact('status', c.state.Status)) continue;
    if (!f.exact('health', c.state.Health?.Status ?? 'none')) continue;
    if (f.has('volume') && !mountsAny(c, f.get('volume'))) continue;
    if (ancestors && !ancestors.has(c.imageId)) continue;
    if (f.has('network') && !onNetwork(c, f.get('network'))) continue;
    out.push(c);
  }
  return out;
}

/** docker's idOrNameFilter: an id, id prefix or name (with or without the slash). */
function findOne(sorted: ContainerRecord[], values: string[]): ContainerRecord {
  let found: ContainerRecord | undefined;
  for (const v of values) {
    const name = v.startsWith('/') ? v : `/${v}`;
    found = sorted.find((c) => c.id === v) ?? sorted.find((c) => c.name === name);
    if (!found) {
      const byPrefix = sorted.filter((c) => c.id.startsWith(v));
      if (byPrefix.length === 1) found = byPrefix[0];
    }
    if (!found) throw new NotFoundError(`No such container: ${v}`);
  }
  return found!;
}

function mountsAny(c: ContainerRecord, values: string[]): boolean {
  return (c.mounts ?? []).some((m) => {
    const keys = [m.Destination, m.Name || m.Source].filter((k): k is string => typeof k === 'string' && k !== '');
    return keys.some((k) => values.includes(k));
  });
}

function onNetwork(c: ContainerRecord, values: string[]): boolean {
  const networks = (c.networkSettings as { Networks?: Record<string, { NetworkID?: string } | null> } | undefined)?.Networks ?? {};
  return values.some((v) => v in networks || Object.values(networks).some((n) => n?.NetworkID !== undefined && n.NetworkID !== '' && n.NetworkID.startsWith(v)));
}

/** docker only warns about an ancestor that names no image: it then matches nothing. */
function imageIdOf(images: ImageService, ref: string): string | undefined {
  try {
    return images.resolve(ref).id;
  } catch {
    return undefined;
  }
}
