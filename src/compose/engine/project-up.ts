// `up` and `create`: networks and volumes, images, then each service in dependency order
// (independent ones in parallel) — wait for its dependencies' conditions, bring its containers to
// the configuration (recreate only what diverged, and what depends on something recreated),
// scale, start. `--rolling` replaces diverged containers without a gap (rolling-update.ts).
import type { ContainerSummary } from '../../client/types.js';
import type { ServiceConfig } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import { serviceHash } from './container-config.js';
import { waitForContainer, waitForDependency } from './dependency-conditions.js';
import { CONFIG_HASH_LABEL } from './labels.js';
import { numberOf, projectContainers } from './project-containers.js';
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
  await ensureNetworks(s.client, s.project, [...new Set(chosen.flatMap((svc) => Object.keys(svc.networks)))], s.progress);
  const volumeKeys = chosen.flatMap((svc) => svc.volumes.filter((v) => v.type === 'volume' && v.source && s.project.volumes[v.source]).map((v) => v.source!));
  await ensureVolumes(s.client, s.project, [...new Set(volumeKeys)], s.progress);
  await Promise.all(chosen.map((svc) => ensureServiceImage(s, svc, { ...(o.build ? { build: true } : {}), ...(o.pull ? { pull: o.pull } : {}) })));
  if (o.removeOrphans) await removeOrphans(s);
  const recreated = new Set<string>();
  await inDependencyOrder(services, o.services, async (svc) => {
    if (o.start) {
      await Promise.all(Object.entries(svc.depends_on).map(([dep, d]) => waitForDependency(s.client, s.project.name, dep, d, s.progress)));
    }
    const depRecreated = Object.keys(svc.depends_on).some((d) => recreated.has(d));
    const recreate = o.recreate === 'never' ? 'never' : depRecreated ? 'force' : o.recreate;
    if (await convergeService(s, svc, { ...o, recreate })) recreated.add(svc.name);
  });
}

/** Brings one service's containers to its configuration and scale; true when any was (re)created. */
async function convergeService(s: ComposeSession, svc: ServiceConfig, o: UpOptions): Promise<boolean> {
  const want = o.scale?.[svc.name] ?? svc.scale;
  const existing = await projectContainers(s.client, s.project.name, { services: [svc.name] });
  const keep = existing.slice(0, want);
  await Promise.all(existing.slice(want).reverse().map((c) => stopAndRemove(s, c, o.timeout !== undefined ? { timeout: o.timeout } : {})));
  const hash = serviceHash(svc);
  let changed = false;
  await Promise.all(keep.map(async (c) => {
    const number = numberOf(c) || 1;
    const diverged = c.Labels?.[CONFIG_HASH_LABEL] !== hash;
    if (o.recreate === 'force' || (diverged && o.recreate === 'diverged')) {
      changed = true;
      if (o.rolling && o.start && c.State === 'running') {
        await rollingReplace(s, svc, c, number, o.timeout);
        return;
      }
      const id = await recreateContainer(s, svc, c, number, { ...(o.timeout !== undefined ? { timeout: o.timeout } : {}), ...(o.renewAnonVolumes ? { renewAnonVolumes: true } : {}) });
      if (o.start) await startServiceContainer(s, id, serviceContainerName(s, svc, number));
      return;
    }
    await ensureRunning(s, c, o.start);
  }));
  const used = new Set(keep.map(numberOf));
  const numbers: number[] = [];
  for (let n = 1; numbers.length < want - keep.length; n++) if (!used.has(n)) numbers.push(n);
  await Promise.all(numbers.map(async (number) => {
    changed = true;
    const name = serviceContainerName(s, svc, number);
    const id = await createServiceContainer(s, svc, name, { number });
    if (o.start) await startServiceContainer(s, id, name);
  }));
  return changed;
}

async function ensureRunning(s: ComposeSession, c: ContainerSummary, start: boolean): Promise<void> {
  const name = canonicalContainerName(c.Names);
  if (start && c.State !== 'running') {
    await startServiceContainer(s, c.Id, name);
    return;
  }
  s.progress.event({ id: `Container ${name}`, status: 'done', text: start ? 'Running' : 'Created' });
}

/** Containers of services the project no longer has (--remove-orphans). */
async function removeOrphans(s: ComposeSession): Promise<void> {
  const all = await projectContainers(s.client, s.project.name);
  const known = new Set(Object.keys(s.project.services));
  const orphans = all.filter((c) => !known.has(c.Labels?.['com.docker.compose.service'] ?? ''));
  await Promise.all(orphans.map((c) => stopAndRemove(s, c)));
}

/** `up --wait`: every container of the services running, or healthy where it has a health check. */
export async function waitForServices(s: ComposeSession, services: readonly string[], timeoutSeconds?: number): Promise<void> {
  const deadline = timeoutSeconds !== undefined && timeoutSeconds > 0 ? Date.now() + timeoutSeconds * 1000 : Infinity;
  const containers = await projectContainers(s.client, s.project.name, { services });
  await Promise.all(containers.map((c) => waitForContainer(s.client, c.Id, `Container ${canonicalContainerName(c.Names)}`, 'running_or_healthy', s.progress, deadline)));
}
