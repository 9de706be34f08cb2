// The volume service: named and anonymous volumes of the local driver (metadata in SQLite, data
// under <root>/<name>/_data), and each container's mounts — planned at create, mounted at start,
// released at remove. It is the ContainerVolumes hook of the container service.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { ACCEPTED_FILTERS, FilterArgs } from '../filters/mod.js';
import type { EventBus } from '../events/event-bus.js';
import type { Db } from '../db/database.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import type { SpecMount, MountPropagation } from '../runtime/spec/spec-input.js';
import { diskUsage } from '../snapshot/overlay-snapshotter.js';
import { parseApiMount, type ApiMount, type VolumeRequest } from './api-mount.js';
import { cleanDest, parseBindSpec } from './bind-spec.js';
import { copyImageData } from './copy-image-data.js';
import { LocalDriver, validateLocalOptions } from './local-driver.js';
import type { MountPlan, PlannedMount } from './mount-plan.js';
import { VolumeStore, type VolumeRecord } from './volume-store.js';
import { validateVolumeName } from './volume-name.js';

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** The parts of a container record the volume service reads. */
export interface VolumeUser {
  id: string;
  config: { Volumes?: Record<string, object> | null };
  hostConfig: { Binds?: string[] | null; Mounts?: unknown; VolumesFrom?: unknown; Tmpfs?: unknown };
  hasBeenStarted?: boolean;
}

export interface VolumeServiceDeps {
  db: Db;
  /** Where volumes live: <data-root>/volumes. */
  root: string;
  events: EventBus;
  /** Finds a container by id, name or id prefix (for --volumes-from, and whether users still run). */
  findContainer: (idOrName: string) => { id: string; state?: { Status: string } } | undefined;
  /** A remapped daemon's root (--userns-remap): owner of new volumes' data dirs, so root inside can write. */
  rootOwner?: { uid: number; gid: number };
}

export interface CreateVolumeRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** A volume in the Engine API's shape (field order as docker's). */
export interface VolumeView {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { Size: number; RefCount: number };
}

/** A container mount as the host sees it (for cp and export of a stopped container). */
export interface HostMount {
  destination: string;
  source: string;
  rw: boolean;
}

export class VolumeService {
  readonly store: VolumeStore;
  readonly driver: LocalDriver;

  constructor(private readonly deps: VolumeServiceDeps) {
    this.store = new VolumeStore(deps.db);
    this.driver = new LocalDriver(deps.root, deps.rootOwner);
  }

  async init(): Promise<void> {
    await mkdir(this.deps.root, { recursive: true, mode: 0o701 });
  }

  // ---- volumes ----

  async create(req: CreateVolumeRequest, anonymous = false): Promise<VolumeRecord> {
    const driver = req.Driver || 'local';
    const name = req.Name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const existing = this.store.get(name);
    if (existing) {
      if (existing.driver !== driver) throw new ConflictError(`create ${name}: a volume with the name ${name} already exists with a different driver`);
      return existing;
    }
    if (driver !== 'local') throw new NotFoundError(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const options = req.DriverOpts ?? null;
    validateLocalOptions(options ?? {});
    const rec: VolumeRecord = {
      name,
      driver,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      labels: anonymous ? { ...(req.Labels ?? {}), [ANONYMOUS_LABEL]: '' } : (req.Labels as Record<string, string>),
      options: options as Record<string, string>,
      anonymous,
    };
    // Files first, then the row that points to them.
    await this.driver.create(name);
    try {
      this.store.insert(rec);
    } catch (err) {
      // Made meanwhile by another request (two containers naming the same new volume).
      const raced = this.store.get(name);
      if (raced) return raced;
      throw err;
    }
    this.deps.events.emit('volume', 'create', name, { driver });
    return rec;
  }

  get(name: string): VolumeRecord {
    const v = this.store.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }

  view(v: VolumeRecord, usage?: { Size: number; RefCount: number }): VolumeView {
    return {
      CreatedAt: v.createdAt,
      Driver: v.driver,
      Labels: v.labels ?? null,
      Mountpoint: this.driver.dataDir(v.name),
      Name: v.name,
      Options: v.options ?? null,
      Scope: 'local',
      ...(usage ? { UsageData: usage } : {}),
    };
  }

  /** Containers whose mounts name the volume. */
  usersOf(name: string): string[] {
    return this.store.plans<MountPlan>().filter((p) => p.plan.mounts.some((m) => m.type === 'volume' && m.source === name)).map((p) => p.containerId);
  }

  /** `GET /volumes`: docker's name (regexp), driver, label and dangling filters. */
  list(filters: FilterArgs = FilterArgs.empty()): VolumeRecord[] {
    filters.validate(ACCEPTED_FILTERS.volumeList);
    const dangling = filters.has('dangling') ? filters.bool('dangling', false) : undefined;
    return this.store.list().filter((v) =>
      filters.exact('driver', v.driver) &&
      (!filters.has('name') || filters.regexp('name', v.name)) &&
      filters.labelsAndNot(v.labels) &&
      (dangling === undefined || (this.usersOf(v.name).length === 0) === dangling));
  }

  async remove(name: string, force = false): Promise<void> {
    const v = this.store.get(name);
    if (!v) {
      if (force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    const users = this.usersOf(name);
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    this.store.delete(name);
    await this.driver.remove(name, v.options ?? {});
    this.deps.events.emit('volume', 'destroy', name, { driver: v.driver });
  }

  /** Unused volumes: anonymous ones only unless the filter says all=true (docker ≥ 23). */
  async prune(filters: FilterArgs = FilterArgs.empty()): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    filters.validate(ACCEPTED_FILTERS.volumePrune);
    const all = filters.bool('all', false);
    const deleted: string[] = [];
    let space = 0;
    for (const v of this.store.list()) {
      if (!all && !v.anonymous) continue;
      if (!filters.labelsAndNot(v.labels)) continue;
      if (this.usersOf(v.name).length > 0) continue;
      const size = v.options?.type ? 0 : (await diskUsage(this.driver.dataDir(v.name)).catch(() => ({ size: 0 }))).size;
      await this.remove(v.name);
      deleted.push(v.name);
      space += size;
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: space };
  }

  async usage(v: VolumeRecord): Promise<{ Size: number; RefCount: number }> {
    const size = (await diskUsage(this.driver.dataDir(v.name)).catch(() => ({ size: -1 }))).size;
    return { Size: size, RefCount: this.usersOf(v.name).length };
  }

  // ---- container mounts ----

  /** Plans a new container's mounts (creating the volumes they name) and returns inspect's Mounts. */
  async prepare(c: VolumeUser): Promise<Array<Record<string, unknown>>> {
    const byDest = new Map<string, PlannedMount>();
    const requests = new Map<string, VolumeRequest>();
    for (const spec of (c.hostConfig.VolumesFrom as string[] | null | undefined) ?? []) {
      const i = spec.lastIndexOf(':');
      const [ref, mode] = i > 0 && ['ro', 'rw'].includes(spec.slice(i + 1)) ? [spec.slice(0, i), spec.slice(i + 1)] : [spec, ''];
      if (i > 0 && mode === '' && /^[a-zA-Z,]+$/.test(spec.slice(i + 1))) throw new InvalidArgumentError(`invalid mode for volumes-from: ${spec.slice(i + 1)}`);
      const other = this.deps.findContainer(ref);
      if (!other) throw new NotFoundError(`No such container: ${ref}`);
      const plan = this.store.plan<MountPlan>(other.id);
      for (const m of plan?.mounts ?? []) {
        if (m.type === 'tmpfs') continue;
        byDest.set(m.destination, { ...m, rw: mode === '' ? m.rw : mode === 'rw', copyData: false, ...(mode ? { mode } : {}) });
      }
    }
    const explicit = new Set<string>();
    for (const spec of c.hostConfig.Binds ?? []) {
      const m = parseBindSpec(spec);
      if (explicit.has(m.destination)) throw new InvalidArgumentError(`Duplicate mount point: ${m.destination}`);
      explicit.add(m.destination);
      byDest.set(m.destination, m);
    }
    for (const am of (c.hostConfig.Mounts as ApiMount[] | null | undefined) ?? []) {
      const { mount, volume, createSource } = parseApiMount(am);
      if (explicit.has(mount.destination)) throw new InvalidArgumentError(`Duplicate mount point: ${mount.destination}`);
      explicit.add(mount.destination);
      if (createSource) await mkdir(mount.source, { recursive: true });
      if (volume && mount.source) requests.set(mount.source, volume);
      byDest.set(mount.destination, mount);
    }
    const tmpfs = new Set(Object.keys((c.hostConfig.Tmpfs as Record<string, string> | null | undefined) ?? {}).map(cleanDest));
    for (const dest of Object.keys(c.config.Volumes ?? {})) {
      const d = cleanDest(dest);
      if (byDest.has(d) || tmpfs.has(d)) continue;
      byDest.set(d, { type: 'volume', source: '', destination: d, rw: true, mode: '', propagation: '', copyData: true, anonymous: true });
    }
    const mounts = [...byDest.values()];
    const made: string[] = [];
    try {
      for (const m of mounts) {
        if (m.type !== 'volume') continue;
        if (m.source === '') {
          const v = await this.create({}, true);
          made.push(v.name);
          m.source = v.name;
        } else if (!this.store.get(m.source)) {
          const r = requests.get(m.source) ?? {};
          await this.create({ Name: m.source, ...(r.driver ? { Driver: r.driver } : {}), DriverOpts: r.options ?? null, Labels: r.labels ?? null });
          made.push(m.source);
        }
      }
      this.store.setPlan(c.id, { mounts } satisfies MountPlan);
    } catch (err) {
      for (const n of made) await this.remove(n, true).catch(() => undefined);
      throw err;
    }
    return this.inspectMounts({ mounts });
  }

  /** A missing -v source, made as docker makes it: new directories belong to the (remapped) root. */
  private async makeBindSource(path: string): Promise<void> {
    const first = await mkdir(path, { recursive: true });
    const owner = this.deps.rootOwner;
    if (first === undefined || !owner) return;
    for (let p = path; ; p = dirname(p)) {
      await chown(p, owner.uid, owner.gid);
      if (p === first || p === '/') break;
    }
  }

  /** The runtime mounts for a start: volumes made ready, image data copied into new ones. */
  async mountsFor(c: VolumeUser, rootfs: string): Promise<{ mounts: SpecMount[]; inspect: Array<Record<string, unknown>> }> {
    let plan = this.store.plan<MountPlan>(c.id);
    if (!plan) {
      await this.prepare(c);
      plan = this.store.plan<MountPlan>(c.id)!;
    }
    const out: SpecMount[] = [];
    for (const m of plan.mounts) {
      if (m.type === 'bind') {
        // docker makes a missing bind source for -v (a --mount without it was refused at create).
        if (!existsSync(m.source)) await this.makeBindSource(m.source);
        out.push({ type: 'bind', source: m.source, destination: m.destination, readOnly: !m.rw, propagation: (m.propagation || 'rprivate') as MountPropagation });
      } else if (m.type === 'volume') {
        const v = this.store.get(m.source);
        if (!v) throw new NotFoundError(`get ${m.source}: no such volume`);
        const dir = await this.driver.mount(v.name, v.options ?? {});
        if (m.copyData && !c.hasBeenStarted) await copyImageData(rootfs, m.destination, dir);
        let source = dir;
        if (m.subpath) {
          source = await resolveInRoot(dir, m.subpath);
          if (!(await stat(source).catch(() => undefined))) {
            throw new InvalidArgumentError(`cannot access path ${source}: no such file or directory`);
          }
        }
        out.push({ type: 'bind', source, destination: m.destination, readOnly: !m.rw });
        this.deps.events.emit('volume', 'mount', v.name, {
          container: c.id, destination: m.destination, driver: v.driver, propagation: '', 'read/write': String(m.rw),
        });
      } else {
        out.push({ type: 'tmpfs', destination: m.destination, readOnly: !m.rw, options: m.tmpfsOptions ?? [] });
      }
    }
    return { mounts: out, inspect: this.inspectMounts(plan) };
  }

  /** Forgets a removed container's mounts; with removeAnonymous (`rm -v`) its unused anonymous volumes go too. */
  async release(c: { id: string }, removeAnonymous: boolean): Promise<void> {
    const plan = this.store.plan<MountPlan>(c.id);
    if (!plan) return;
    this.store.deletePlan(c.id);
    for (const m of plan.mounts) {
      if (m.type !== 'volume') continue;
      const v = this.store.get(m.source);
      if (!v || this.usersOf(v.name).length > 0) continue;
      if (removeAnonymous && m.anonymous) await this.remove(v.name).catch(() => undefined);
      else await this.driver.unmount(v.name, v.options ?? {}).catch(() => undefined);
    }
  }

  /**
   * After a container's run: docker's `unmount` events, and volumes with a filesystem of their own
   * (--opt type=…) unmounted once no running container uses them.
   */
  async exited(c: { id: string }): Promise<void> {
    const plan = this.store.plan<MountPlan>(c.id);
    for (const m of plan?.mounts ?? []) {
      if (m.type !== 'volume') continue;
      const v = this.store.get(m.source);
      if (!v) continue;
      this.deps.events.emit('volume', 'unmount', v.name, { container: c.id, driver: v.driver });
      if (!v.options?.type) continue;
      const running = this.usersOf(v.name).some((id) => {
        const s = id === c.id ? undefined : this.deps.findContainer(id)?.state?.Status;
        return s === 'running' || s === 'paused' || s === 'restarting';
      });
      if (!running) await this.driver.unmount(v.name, v.options).catch(() => undefined);
    }
  }

  /** Host paths of a container's binds and volumes, parents first (for cp/export of a stopped container). */
  async hostMounts(containerId: string): Promise<HostMount[]> {
    const plan = this.store.plan<MountPlan>(containerId);
    const out: HostMount[] = [];
    for (const m of plan?.mounts ?? []) {
      if (m.type === 'bind') out.push({ destination: m.destination, source: m.source, rw: m.rw });
      else if (m.type === 'volume') {
        const v = this.store.get(m.source);
        if (!v) continue;
        const dir = await this.driver.mount(v.name, v.options ?? {});
        out.push({ destination: m.destination, source: m.subpath ? await resolveInRoot(dir, m.subpath) : dir, rw: m.rw });
      }
    }
    return out.sort((a, b) => a.destination.split('/').length - b.destination.split('/').length);
  }

  /** inspect's Mounts, docker's shapes, by destination. */
  inspectMounts(plan: MountPlan): Array<Record<string, unknown>> {
    return [...plan.mounts].sort((a, b) => (a.destination < b.destination ? -1 : 1)).map((m) => {
      if (m.type === 'bind') {
        return { Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.mode, RW: m.rw, Propagation: m.propagation || 'rprivate' };
      }
      if (m.type === 'volume') {
        const v = this.store.get(m.source);
        return {
          Type: 'volume', Name: m.source, Source: this.driver.dataDir(m.source), Destination: m.destination, Driver: v?.driver ?? 'local',
          Mode: m.mode, RW: m.rw, Propagation: '',
        };
      }
      return { Type: 'tmpfs', Source: '', Destination: m.destination, Mode: '', RW: m.rw, Propagation: '' };
    });
  }
}

