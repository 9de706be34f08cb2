// `up` and `create`: networks and volumes, images, then each service in dependency order
// (independent ones in parallel) — wait for its dependencies' conditions, bring its containers to
// the configuration (recreate only what diverged, and what depends on something recreated),
// scale, start. `--rolling` replaces diverged containers without a gap (rolling-update.ts).
import type { ContainerSummary } from '../../client/types.js';
import type { ServiceConfig } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import { serviceHash, serviceImage } from './container-config.js';
import { waitForContainer, waitForDependency } from './dependency-conditions.js';
import { CONFIG_HASH_LABEL } from './labels.js';
import { numberOf, projectContainers, serviceOf } from './project-containers.js';
import { ensureNetworks, ensureVolumes } from './project-resources.js';
import { canonicalContainerName } from './resource-names.js';
import { rollingReplace } from './rolling-update.js';
import { createServiceContainer, recreateContainer, serviceContainerName, startServiceContainer, stopAndRemove } from './service-containers.js';
import { ensureServiceImage, type PullPolicy } from './service-images.js';
import { inDependencyOrder } from './service-order.js';

export interface UpOptions {
  /** The services to bring up (dependencies already added unless --no-deps). */
  services: readonly string[];
  recreate: 'diverged' | 'force' | 'never';
  /** --scale overrides. */
  scale?: Readonly<Record<string, number>>;
  build?: boolean;
  pull?: PullPolicy;
  renewAnonVolumes?: boolean;
  rolling?: boolean;
  /** Stop timeout in seconds for replaced containers. */
  timeout?: number;
  /** false for `create`. */
  start: boolean;
  removeOrphans?: boolean;
}

export async function projectUp(s: ComposeSession, o: UpOptions): Promise<void> {
  const services = s.project.services;
  const chosen = o.services.map((n) => services[n]!).filter(Boolean);
  const volumeKeys = chosen.flatMap((svc) => svc.volumes.filter((v) => v.type === 'volume' && v.source && s.project.volumes[v.source]).map((v) => v.source!));
  // Independent of each other: networks, volumes, images and the one listing of the project.
  const [, , , listed] = await Promise.all([
    ensureNetworks(s.client, s.project, [...new Set(chosen.flatMap((svc) => Object.keys(svc.networks)))], s.progress),
    ensureVolumes(s.client, s.project, [...new Set(volumeKeys)], s.progress),
    ensureImages(s, chosen, o),
    projectContainers(s.client, s.project.name),
  ]);
  if (o.removeOrphans) await removeOrphans(s, listed);
  const existing = new Map<string, ContainerSummary[]>();
  for (const c of listed) (existing.get(serviceOf(c)) ?? existing.set(serviceOf(c), []).get(serviceOf(c))!).push(c);
  // Two overlapping passes in dependency order: containers are created once their dependencies'
  // are, and started once their dependencies are started (and meet their conditions), so the
  // creates of dependants are off the path of the starts.
  const converged = new Map(o.services.map((n) => [n, deferred<Converged>()]));
  const recreated = new Set<string>();
  const creating = inDependencyOrder(services, o.services, async (svc) => {
    const depRecreated = Object.keys(svc.depends_on).some((d) => recreated.has(d));
    const recreate = o.recreate === 'never' ? 'never' : depRecreated ? 'force' : o.recreate;
    const result = await convergeService(s, svc, existing.get(svc.name) ?? [], { ...o, recreate });
    if (result.changed) recreated.add(svc.name);
    converged.get(svc.name)!.resolve(result);
  }).catch((err: unknown) => {
    for (const d of converged.values()) d.reject(err);
    throw err;
  });
  if (!o.start) {
    await creating;
    return;
  }
  const starting = inDependencyOrder(services, o.services, async (svc) => {
    await Promise.all(Object.entries(svc.depends_on).map(([dep, d]) => {
      // A dependency converged in this run is started by now: its containers are known.
      const known = converged.get(dep)?.settled;
      return known && d.condition === 'service_started' && known.containers.length > 0
        ? undefined
        : waitForDependency(s.client, s.project.name, dep, d, s.progress);
    }));
    const { containers } = await converged.get(svc.name)!.promise;
    await Promise.all(containers.map((c) => c.state === 'running' ? reportRunning(s, c.name) : c.state === 'created' ? startServiceContainer(s, c.id, c.name) : undefined));
  });
  const [created, started] = await Promise.allSettled([creating, starting]);
  if (created.status === 'rejected') throw created.reason;
  if (started.status === 'rejected') throw started.reason;
}

/** Each service's image, checked (pulled, built) once per image and policy, not once per service. */
function ensureImages(s: ComposeSession, chosen: readonly ServiceConfig[], o: UpOptions): Promise<unknown> {
  const once = new Map<string, Promise<void>>();
  const opts = { ...(o.build ? { build: true } : {}), ...(o.pull ? { pull: o.pull } : {}) };
  for (const svc of chosen) {
    const key = svc.build ? `build:${svc.name}` : `${serviceImage(s.project, svc)}\0${svc.platform ?? ''}\0${svc.pull_policy ?? ''}`;
    if (!once.has(key)) once.set(key, ensureServiceImage(s, svc, opts));
  }
  return Promise.all(once.values());
}

interface Converged {
  /** True when any container was (re)created. */
  changed: boolean;
  /** The service's containers after converging; 'replaced' ones (--rolling) already reported. */
  containers: { id: string; name: string; state: 'created' | 'running' | 'replaced' }[];
}

interface Deferred<T> {
  promise: Promise<T>;
  settled: T | undefined;
  resolve(v: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  const d = { settled: undefined } as Deferred<T>;
  d.promise = new Promise<T>((resolve, reject) => {
    d.resolve = (v) => {
      d.settled = v;
      resolve(v);
    };
    d.reject = reject;
  });
  d.promise.catch(() => undefined);
  return d;
}

/** Brings one service's containers to its configuration and scale (not yet started). */
async function convergeService(s: ComposeSession, svc: ServiceConfig, existing: readonly ContainerSummary[], o: UpOptions): Promise<Converged> {
  const want = o.scale?.[svc.name] ?? svc.scale;
  const keep = existing.slice(0, want);
  await Promise.all(existing.slice(want).reverse().map((c) => stopAndRemove(s, c, o.timeout !== undefined ? { timeout: o.timeout } : {})));
  const hash = serviceHash(svc);
  let changed = false;
  const containers: Converged['containers'] = [];
  await Promise.all(keep.map(async (c) => {
    const number = numberOf(c) || 1;
    const name = serviceContainerName(s, svc, number);
    const diverged = c.Labels?.[CONFIG_HASH_LABEL] !== hash;
    if (o.recreate === 'force' || (diverged && o.recreate === 'diverged')) {
      changed = true;
      if (o.rolling && o.start && c.State === 'running') {
        containers.push({ id: await rollingReplace(s, svc, c, number, o.timeout), name, state: 'replaced' });
        return;
      }
      const id = await recreateContainer(s, svc, c, number, { ...(o.timeout !== undefined ? { timeout: o.timeout } : {}), ...(o.renewAnonVolumes ? { renewAnonVolumes: true } : {}) });
      containers.push({ id, name, state: 'created' });
      return;
    }
    const current = canonicalContainerName(c.Names);
    containers.push({ id: c.Id, name: current, state: c.State === 'running' ? 'running' : 'created' });
    if (!o.start) s.progress.event({ id: `Container ${current}`, status: 'done', text: 'Created' });
  }));
  const used = new Set(keep.map(numberOf));
  const numbers: number[] = [];
  for (let n = 1; numbers.length < want - keep.length; n++) if (!used.has(n)) numbers.push(n);
  await Promise.all(numbers.map(async (number) => {
    changed = true;
    const name = serviceContainerName(s, svc, number);
    containers.push({ id: await createServiceContainer(s, svc, name, { number }), name, state: 'created' });
  }));
  return { changed, containers };
}

function reportRunning(s: ComposeSession, name: string): void {
  s.progress.event({ id: `Container ${name}`, status: 'done', text: 'Running' });
}

/** Containers of services the project no longer has (--remove-orphans). */
async function removeOrphans(s: ComposeSession, all: readonly ContainerSummary[]): Promise<void> {
  const known = new Set(Object.keys(s.project.services));
  const orphans = all.filter((c) => !known.has(serviceOf(c)));
  await Promise.all(orphans.map((c) => stopAndRemove(s, c)));
}

/** `up --wait`: every container of the services running, or healthy where it has a health check. */
export async function waitForServices(s: ComposeSession, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const deadline = timeoutSeconds !== undefined && timeoutSeconds > 0 ? Date.now() + timeoutSeconds * 1000 : Infinity;
  const containers = await projectContainers(s.client, s.project.name, { services });
  await Promise.all(containers.map((c) => waitForContainer(s.client, c.Id, `Container ${canonicalContainerName(c.Names)}`, 'running_or_healthy', s.progress, deadline)));
}
