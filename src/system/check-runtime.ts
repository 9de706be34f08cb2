// Orphans of runs: records that say running with no monitor left, runtime states, mounts and
// cgroups of no running container (or of a build step no build runs any more).
import { readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerService } from '../container/container-service.js';
import { isRunning } from '../container/container-core.js';
import { parseMountInfo } from '../runtime/spec/bind-propagation.js';
import { umount2Sync } from '../sys/syscalls.js';
import { type CheckClock, type Finding, mayBeInFlight, repairing } from './check-finding.js';

const MNT_DETACH = 2;

export interface RuntimeCheckDeps {
  containers: ContainerService;
  dataRoot: string;
  execRoot: string;
  cgroupParent: string;
}

/** Whether an owner (a container ID or a build step's ID) may keep what it holds. */
function ownerLives(containers: ContainerService, id: string, madeAt: Date | undefined, clock: CheckClock): boolean {
  const c = containers.store.get(id);
  if (c) return isRunning(c) || c.state.Status === 'restarting';
  // No record: a build step's run, alive only while a build can still own it.
  return madeAt !== undefined && mayBeInFlight(madeAt, clock);
}

async function mtimeOf(path: string): Promise<Date | undefined> {
  return (await stat(path).catch(() => undefined))?.mtime;
}

export async function checkContainers(d: RuntimeCheckDeps, repair: boolean): Promise<Finding[]> {
  const out = d.containers.lostRuns().map((c): Finding => ({ kind: 'container', id: c.id, reason: `record says ${c.state.Status} but its monitor (conmon) is gone` }));
  if (repair && out.length) {
    let error: string | undefined;
    await d.containers.recoverLostRuns().catch((err) => (error = String(err)));
    for (const f of out) {
      const now = d.containers.store.get(f.id);
      f.repaired = !now || !isRunning(now);
      if (!f.repaired && error) f.error = error;
    }
  }
  return out;
}

export async function checkRuntimeStates(d: RuntimeCheckDeps, clock: CheckClock, repair: boolean): Promise<Finding[]> {
  const { runtimeRoot } = d.containers.deps.paths;
  const out: Finding[] = [];
  for (const id of await readdir(runtimeRoot).catch(() => [] as string[])) {
    if (ownerLives(d.containers, id, await mtimeOf(join(runtimeRoot, id)), clock)) continue;
    const rec = d.containers.store.get(id);
    const f: Finding = { kind: 'runtime-state', id, reason: rec ? `runtime holds a container whose record says ${rec.state.Status}` : 'runtime holds a container berth has no record of' };
    if (repair) await repairing(f, () => d.containers.deps.runtime.delete(id, true));
    out.push(f);
  }
  return out;
}

/** `<root>/containers/<owner>/…` → owner. */
function ownerOfPath(path: string, roots: string[]): string | undefined {
  for (const r of roots) {
    const prefix = `${r}/containers/`;
    if (path.startsWith(prefix)) return path.slice(prefix.length).split('/')[0];
  }
  return undefined;
}

export async function checkMounts(d: RuntimeCheckDeps, clock: CheckClock, repair: boolean): Promise<Finding[]> {
  const roots = [d.dataRoot, d.execRoot];
  const out: Finding[] = [];
  const entries = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  for (const m of entries) {
    const owner = ownerOfPath(m.mountPoint, roots);
    if (!owner) continue;
    const made = await mtimeOf(join(d.execRoot, 'containers', owner));
    if (ownerLives(d.containers, owner, made, clock)) continue;
    out.push({ kind: 'mount', id: m.mountPoint, reason: `mount of ${owner.slice(0, 12)}, which does not run` });
  }
  // The deepest first: a mount inside another goes before it.
  if (repair) for (const f of [...out].sort((a, b) => b.id.length - a.id.length)) await repairing(f, async () => umount2Sync(f.id, MNT_DETACH));
  return out;
}

/** The directories that hold the containers' cgroups: cgroup v2's one tree, or each v1 controller's. */
async function cgroupParents(parent: string): Promise<string[]> {
  const base = '/sys/fs/cgroup';
  const v2 = await stat(join(base, 'cgroup.controllers')).then(() => true, () => false);
  if (v2) return [join(base, parent)];
  const ctrls = await readdir(base).catch(() => [] as string[]);
  return ctrls.map((c) => join(base, c, parent));
}

export async function checkCgroups(d: RuntimeCheckDeps, clock: CheckClock, repair: boolean): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const dir of await cgroupParents(d.cgroupParent)) {
    const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of names) {
      if (!e.isDirectory()) continue;
      const path = join(dir, e.name);
      // cgroupfs times move without the cgroup changing: a cgroup of no container counts as a
      // build step's while it has processes.
      const procs = await readFile(join(path, 'cgroup.procs'), 'utf8').catch(() => '');
      if (ownerLives(d.containers, e.name, undefined, clock) || (!d.containers.store.get(e.name) && procs.trim() !== '')) continue;
      const f: Finding = { kind: 'cgroup', id: path, reason: `cgroup of ${e.name.slice(0, 12)}, which does not run` };
      // rmdir only takes an empty cgroup: one with processes left stays and says so.
      if (repair) await repairing(f, () => rmdir(path));
      out.push(f);
    }
  }
  return out;
}
