// The container service: create, start, stop, kill, wait, remove, rename, pause, attach, logs,
// and recovery after a daemon restart. The OCI runtime runs under conmon; this service keeps the
// record in SQLite in step with what conmon and runc report.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, InvalidArgumentError, NotFoundError, NotModifiedError, BerthError, errorMessage } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { ImageService } from '../image/image-service.js';
import type { ImageRecord } from '../image/image-store.js';
import { familiarString, parseReference, withDefaultTag } from '../oci/reference.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { mountAll, unmount } from '../snapshot/mount.js';
import type { Conmon } from '../runtime/conmon.js';
import type { Runc } from '../runtime/runc.js';
import { generateSpec } from '../runtime/spec/generate-spec.js';
import { checkBindPropagation } from '../runtime/spec/bind-propagation.js';
import { userNamespaceFor } from '../runtime/spec/user-namespace.js';
import type { IdMap } from '../oci/id-map.js';
import { chownToRemappedRoot } from './remapped-files.js';
import { specToJson } from '../runtime/spec/spec-json.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import type { HostConfigNet } from '../network/api-types.js';
import { writeUnattachedEtcFiles } from '../network/container-etc-files.js';
import { type ApiConfig, type ApiHostConfig, type ContainerRecord, ContainerStore } from './container-record.js';
import { ContainerPaths, conmonUuid } from './container-paths.js';
import { generateContainerName, validateContainerName } from './container-names.js';
import { ExitWatcher } from './exit-watcher.js';
import { OomWatcher } from './oom-watcher.js';
import { generateWithSeccompAgent, startSeccompAgentEarly, stopSeccompAgent } from './seccomp-agent.js';
import { validateRestartPolicy } from './restart-policy.js';
import { settleHostConfig } from './create-host-config.js';
import { mergeHealthcheck, validateHealthOnFailure } from './health-monitor.js';
import { type LogEntry, logSize, readLogs } from './log-file.js';
import { bridgeStdin } from './stdin-bridge.js';
import { signalNumber } from './signals.js';

/** What the network service does for a container (optional until networking is wired). */
export interface ContainerNetworking {
  attach(c: ContainerRecord, filesDir: string): Promise<{ netns?: { path?: string; userns?: string } | 'host'; mounts: SpecMount[]; settings?: Record<string, unknown> }>;
  detach(c: ContainerRecord): Promise<void>;
}

/** What the volume service does for a container (optional until volumes are wired). */
export interface ContainerVolumes {
  mountsFor(c: ContainerRecord, rootfs: string): Promise<{ mounts: SpecMount[]; inspect: Array<Record<string, unknown>> }>;
  release?(c: ContainerRecord, removeAnonymous: boolean): Promise<void>;
  /** At create: plans the mounts (makes the volumes they name) and returns inspect's Mounts. */
  prepare?(c: ContainerRecord): Promise<Array<Record<string, unknown>>>;
}

/**
 * Lifecycle hooks (restart policy, health checks): called synchronously inside the container's lock
 * with the record just written. `exited` may return 'restart' to keep the container in
 * 'restarting' (the hook then starts it again) — its changes to the record are saved with the exit.
 */
export interface ContainerHooks {
  started?(c: ContainerRecord): void;
  exited?(c: ContainerRecord): 'restart' | void;
  removed?(c: ContainerRecord): void;
}

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageService;
  snapshots: Snapshotter;
  conmon: Conmon;
  runc: Runc;
  events: EventBus;
  paths: ContainerPaths;
  networking?: ContainerNetworking;
  volumes?: ContainerVolumes;
  initPath?: string;
  lxcfsMountPoint?: string;
  cgroupParent: string;
  /** The daemon remaps ids (--userns-remap): containers get this mapping; files made for them are the mapped root's. */
  userns?: { idMap: IdMap; root: { uid: number; gid: number } };
}

export interface CreateRequest extends ApiConfig {
  HostConfig?: ApiHostConfig;
  NetworkingConfig?: Record<string, unknown>;
}

const DEFAULT_STOP_TIMEOUT = 10;

export class ContainerService {
  readonly store: ContainerStore;
  private readonly exits: ExitWatcher;
  private readonly ooms = new OomWatcher((id) => this.onOom(id));
  /** Running containers that have had their `oom` event in this run. */
  private readonly oomReported = new Set<string>();
  /** Per-container notifications: 'exit' (code), 'removed', 'started'. */
  private readonly bus = new EventEmitter();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Containers whose exit is being handled, so wait() sees a consistent state. */
  private readonly exiting = new Set<string>();
  readonly hooks: ContainerHooks[] = [];

  constructor(readonly deps: ContainerServiceDeps) {
    this.store = deps.store;
    this.bus.setMaxListeners(0);
    this.exits = new ExitWatcher(deps.paths.exitDir, (id, code) => void this.onExit(id, code));
  }

  /** Serialises state changes of one container. */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(id, next);
    void next.finally(() => {
      if (this.locks.get(id) === next) this.locks.delete(id);
    }).catch(() => undefined);
    return next;
  }

  private sweepTimer?: NodeJS.Timeout;

  async init(): Promise<void> {
    await mkdir(this.deps.paths.exitDir, { recursive: true });
    await mkdir(this.deps.paths.socketDir, { recursive: true });
    this.exits.start();
    await this.recover();
    // Safety net: a conmon that dies without writing its exit file (killed, or crashed) must not
    // leave a container "running" forever and its waiters hanging.
    this.sweepTimer = setInterval(() => void this.sweepLost(), 2000);
    this.sweepTimer.unref();
  }

  shutdown(): void {
    this.exits.stop();
    this.ooms.stop();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  private async sweepLost(): Promise<void> {
    for (const c of this.store.list()) {
      if (c.state.Status !== 'running' && c.state.Status !== 'paused') continue;
      if (!c.state.ConmonPid || processAlive(c.state.ConmonPid) || this.exiting.has(c.id)) continue;
      if (await this.exits.check(c.id)) continue;
      await delay(200);
      if (await this.exits.check(c.id)) continue;
      const cur = this.store.get(c.id);
      if (cur && cur.state.ConmonPid === c.state.ConmonPid && (cur.state.Status === 'running' || cur.state.Status === 'paused')) {
        await this.onExit(c.id, 255, 'container monitor (conmon) exited without an exit status');
      }
    }
  }

  /** After a daemon restart: containers whose conmon lives stay running; the rest get their exit. */
  async recover(): Promise<void> {
    for (const c of this.store.list()) {
      if (c.state.Status !== 'running' && c.state.Status !== 'paused' && c.state.Status !== 'restarting') continue;
      if (await this.exits.check(c.id)) continue;
      const alive = c.state.ConmonPid ? processAlive(c.state.ConmonPid) : false;
      if (alive) this.ooms.watch(c.id, this.deps.paths.bundle(c.id));
      if (!alive) {
        // conmon died without an exit file (machine reboot or kill -9 of conmon): the container is gone.
        await this.onExit(c.id, 255, 'container monitor (conmon) exited without an exit status');
      }
    }
    await this.exits.scan();
  }

  // ---- create ----

  async create(name: string | undefined, req: CreateRequest, platform?: string): Promise<{ Id: string; Warnings: string[] }> {
    void platform;
    const imageName = String(req.Image ?? '');
    if (!imageName) throw new InvalidArgumentError('config cannot be empty in order to create a container');
    let image: ImageRecord;
    try {
      image = this.deps.images.resolve(imageName);
    } catch (err) {
      if (err instanceof NotFoundError) {
        let shown = imageName;
        try {
          shown = familiarString(withDefaultTag(parseReference(imageName)));
        } catch {
          // an id prefix or invalid reference: show as given
        }
        throw new NotFoundError(`No such image: ${shown}`);
      }
      throw err;
    }
    const hostConfig: ApiHostConfig = { ...(req.HostConfig ?? {}) };
    if (hostConfig.AutoRemove && hostConfig.RestartPolicy?.Name && !['', 'no'].includes(hostConfig.RestartPolicy.Name)) {
      throw new InvalidArgumentError("conflicting options: cannot specify both --restart and --rm");
    }
    const policyError = validateRestartPolicy(hostConfig.RestartPolicy) ?? validateHealthOnFailure(hostConfig.HealthOnFailure);
    if (policyError) throw new InvalidArgumentError(policyError);
    const warnings = await settleHostConfig(hostConfig);
    if (!hostConfig.NetworkMode || hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = 'bridge';
    userNamespaceFor(hostConfig, this.deps.userns?.idMap);
    if (!hostConfig.LogConfig?.Type) hostConfig.LogConfig = { Type: 'k8s-file', Config: hostConfig.LogConfig?.Config ?? {} };
    if (!hostConfig.RestartPolicy) hostConfig.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
    const config = mergeImageConfig(req, image);
    const id = randomBytes(32).toString('hex');
    if (!config.Hostname) config.Hostname = id.slice(0, 12);
    const entry = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
    if (entry.length === 0) throw new InvalidArgumentError('no command specified');
    const { NetworkingConfig, HostConfig: _h, ...rest } = req;
    void rest;
    void _h;
    let cname: string;
    if (name) cname = validateContainerName(name);
    else {
      cname = generateContainerName();
      for (let i = 1; this.store.find(cname) && i < 10; i++) cname = generateContainerName(i);
    }
    if (this.store.find(cname.slice(1))?.name === cname) {
      const other = this.store.find(cname.slice(1))!;
      throw new ConflictError(
        `Conflict. The container name "${cname}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const rec: ContainerRecord = {
      id,
      name: cname,
      created: new Date().toISOString(),
      imageId: image.id,
      imageName,
      path: entry[0]!,
      args: entry.slice(1),
      config,
      hostConfig,
      ...(NetworkingConfig ? { networkingConfig: NetworkingConfig } : {}),
      state: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', OOMKilled: false },
      restartCount: 0,
      logPath: this.deps.paths.logPath(id),
    };
    await mkdir(this.deps.paths.dataDir(id), { recursive: true });
    await this.deps.snapshots.prepare(id, this.deps.images.topChainId(image), { labels: { 'berth.container': id } });
    try {
      if (this.deps.volumes?.prepare) rec.mounts = await this.deps.volumes.prepare(rec);
      this.store.insert(rec);
    } catch (err) {
      await this.deps.volumes?.release?.(rec, true).catch(() => undefined);
      await this.deps.snapshots.remove(id).catch(() => undefined);
      await rm(this.deps.paths.dataDir(id), { recursive: true, force: true });
      throw err;
    }
    this.emit(rec, 'create');
    return { Id: id, Warnings: warnings };
  }

  // ---- start ----

  async start(idOrName: string): Promise<void> {
    const c0 = this.store.resolve(idOrName);
    await this.locked(c0.id, async () => {
      const c = this.store.resolve(c0.id);
      if (c.state.Status === 'running' || c.state.Status === 'paused') throw new NotModifiedError('container already started');
      if (c.state.Status === 'removing') throw new ConflictError(`cannot start container ${c.id}: container is marked for removal`);
      await this.startLocked(c);
    });
  }

  private async startLocked(c: ContainerRecord): Promise<void> {
    const p = this.deps.paths;
    const bundle = p.bundle(c.id);
    const rootfs = p.rootfs(c.id);
    await rm(bundle, { recursive: true, force: true });
    await mkdir(rootfs, { recursive: true });
    let mounted = false;
    let netAttached = false;
    const lxcfs = this.deps.lxcfsMountPoint && c.hostConfig.Lxcfs !== false ? this.deps.lxcfsMountPoint : undefined;
    // Started now, to be listening by the time the spec is written; the spec decides whether it serves.
    const agent = lxcfs ? startSeccompAgentEarly(p.p.execRoot, c.id, c.hostConfig) : undefined;
    const trace = process.env.BERTH_TRACE ? (label: string, t0 = performance.now()) => () => console.error(`trace ${label} ${(performance.now() - t0).toFixed(1)}ms`) : () => () => undefined;
    try {
      let done = trace('mount');
      await mountAll(await this.deps.snapshots.mounts(c.id), rootfs);
      done();
      mounted = true;
      const mounts: SpecMount[] = [];
      if (this.deps.volumes) {
        const v = await this.deps.volumes.mountsFor(c, rootfs);
        mounts.push(...v.mounts);
        c.mounts = v.inspect;
        await checkBindPropagation(v.mounts);
      }
      let netns: { path?: string; userns?: string } | 'host' | undefined;
      done = trace('network');
      if (this.deps.networking) {
        const n = await this.deps.networking.attach(c, p.dataDir(c.id));
        netAttached = true;
        netns = n.netns;
        mounts.push(...n.mounts);
        if (n.settings) c.networkSettings = n.settings;
      } else {
        mounts.push(...(await this.writeEtcFiles(c)));
        if (c.hostConfig.NetworkMode === 'host') netns = 'host';
      }
      if (this.deps.userns) await chownToRemappedRoot(p.dataDir(c.id), ['hosts', 'resolv.conf', 'hostname'], this.deps.userns.root);
      done();
      done = trace('spec');
      const { spec } = await generateWithSeccompAgent(agent, (seccompListener) => generateSpec({
        id: c.id,
        rootfs,
        config: c.config,
        hostConfig: c.hostConfig as Parameters<typeof generateSpec>[0]['hostConfig'],
        mounts,
        ...(netns ? { netns } : {}),
        cgroupsPath: `${this.deps.cgroupParent}/${c.id}`,
        ...(this.deps.userns ? { userns: this.deps.userns.idMap } : {}),
        ...(this.deps.initPath ? { initPath: this.deps.initPath } : {}),
        joinNamespaces: this.namespacesToJoin(c),
        ...(lxcfs ? { lxcfs: { mountPoint: lxcfs, ...(seccompListener ? { seccompListener } : {}) } } : {}),
      }));
      await writeFile(join(bundle, 'config.json'), specToJson(spec));
      done();
      done = trace('conmon');
      await this.exits.consume(c.id);
      const logMax = Number(c.hostConfig.LogConfig?.Config?.['max-size'] ? parseSize(c.hostConfig.LogConfig.Config['max-size']) : 0);
      const { pid } = await this.deps.conmon.launch({
        containerId: c.id,
        uuid: conmonUuid(c.id),
        name: c.name.slice(1),
        bundle,
        pidFile: join(bundle, 'pidfile'),
        conmonPidFile: join(bundle, 'conmon.pid'),
        logPath: c.logPath,
        ...(logMax ? { logMaxSize: logMax } : {}),
        exitDir: p.exitDir,
        stdin: Boolean(c.config.OpenStdin),
        tty: Boolean(c.config.Tty),
      });
      const conmonPid = Number.parseInt(await readFile(join(bundle, 'conmon.pid'), 'utf8').catch(() => '0'), 10);
      done();
      done = trace('runc start');
      await this.deps.runc.start(c.id);
      done();
      c.state = {
        ...c.state,
        Status: 'running',
        Pid: pid,
        ConmonPid: conmonPid,
        ExitCode: 0,
        Error: '',
        StartedAt: new Date().toISOString(),
        FinishedAt: '0001-01-01T00:00:00Z',
        OOMKilled: false,
      };
      c.hasBeenStarted = true;
      c.manuallyStopped = false;
      this.store.update(c);
      this.oomReported.delete(c.id);
      this.ooms.watch(c.id, bundle);
      this.emit(c, 'start');
      this.bus.emit(`started:${c.id}`);
      for (const h of this.hooks) h.started?.(c);
      // The process may have exited before we recorded it running.
      void this.exits.check(c.id);
    } catch (err) {
      await this.deps.runc.delete(c.id, true).catch(() => undefined);
      agent?.kill();
      if (netAttached) await this.deps.networking?.detach(c).catch(() => undefined);
      if (mounted) await unmount(rootfs, { lazy: true }).catch(() => undefined);
      const msg = errorMessage(err);
      const code = /executable file not found|no such file or directory/i.test(msg) ? 127 : /permission denied/i.test(msg) ? 126 : 128;
      c.state = { ...c.state, Status: c.hasBeenStarted ? 'exited' : 'created', Error: msg, ExitCode: code, Pid: 0 };
      this.store.update(c);
      // Waiters for the next exit learn of the failure; --rm containers go away as docker's do.
      setImmediate(() => {
        this.bus.emit(`exit:${c.id}`, code);
        if (c.hostConfig.AutoRemove) void this.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
      });
      if (err instanceof BerthError && !(err.name === 'RuntimeError')) throw err;
      throw new StartError(`failed to create task for container: OCI runtime create failed: ${msg}: unknown`);
    }
  }

  /** /etc/hosts, /etc/resolv.conf and /etc/hostname when no network service writes them. */
  private async writeEtcFiles(c: ContainerRecord): Promise<SpecMount[]> {
    return writeUnattachedEtcFiles(this.deps.paths.dataDir(c.id), {
      hostname: String(c.config.Hostname ?? c.id.slice(0, 12)),
      ...(c.config.Domainname ? { domainname: String(c.config.Domainname) } : {}),
      hostConfig: c.hostConfig as HostConfigNet & { ReadonlyRootfs?: boolean },
    });
  }

  // ---- exit ----

  private async onExit(id: string, code: number, error = ''): Promise<void> {
    this.exiting.add(id);
    try {
      await this.locked(id, async () => {
        const c = this.store.get(id);
        if (!c) {
          await this.exits.consume(id);
          return;
        }
        if (c.state.Status !== 'running' && c.state.Status !== 'paused' && c.state.Status !== 'restarting') {
          await this.exits.consume(id);
          return;
        }
        // An OOM the live watcher has not reported yet (the kill that ended the container, or one
        // while the daemon was down) gets its event now, before `die`.
        const pendingOom = await this.ooms.claim(this.deps.paths.bundle(id));
        const oom = (await this.wasOomKilled(c)) || pendingOom || c.state.OOMKilled;
        const reportOom = oom && !this.oomReported.has(id);
        this.ooms.unwatch(id);
        this.oomReported.delete(id);
        await this.cleanupRuntime(c);
        await this.exits.consume(id);
        c.state = { ...c.state, Status: 'exited', Pid: 0, ExitCode: code, Error: error, FinishedAt: new Date().toISOString(), OOMKilled: oom };
        delete c.state.ConmonPid;
        let restart = false;
        for (const h of this.hooks) if (h.exited?.(c) === 'restart') restart = true;
        if (restart) c.state.Status = 'restarting';
        this.store.update(c);
        if (reportOom) this.emit(c, 'oom');
        this.emit(c, 'die', { exitCode: String(code) });
      });
    } finally {
      this.exiting.delete(id);
    }
    this.bus.emit(`exit:${id}`, code);
    const c = this.store.get(id);
    if (c?.hostConfig.AutoRemove) {
      await this.remove(id, { force: true, volumes: true }).catch(() => undefined);
    }
  }

  /** The OOM killer struck in a running container (maybe only a child): docker's `oom` event at once. */
  private onOom(id: string): void {
    const c = this.store.get(id);
    if (!c || (c.state.Status !== 'running' && c.state.Status !== 'paused') || this.exiting.has(id)) return;
    this.oomReported.add(id);
    c.state = { ...c.state, OOMKilled: true };
    this.store.update(c);
    this.emit(c, 'oom');
  }

  private async wasOomKilled(c: ContainerRecord): Promise<boolean> {
    // cgroup v1: memory.oom_control's oom_kill counter of the container's cgroup.
    try {
      const t = await readFile(`/sys/fs/cgroup/memory${this.deps.cgroupParent}/${c.id}/memory.oom_control`, 'utf8');
      return /oom_kill [1-9]/.test(t);
    } catch {
      return false;
    }
  }

  /** Deletes the runtime's container, unmounts the rootfs and releases the network. Idempotent. */
  private async cleanupRuntime(c: ContainerRecord): Promise<void> {
    this.ooms.unwatch(c.id);
    if (!this.bundleExists(c.id)) return; // already cleaned up after its exit
    // The runtime's state, the rootfs mount and the network are independent: release them together.
    await Promise.all([
      this.deps.runc.delete(c.id, true).catch(() => undefined),
      unmount(this.deps.paths.rootfs(c.id), { lazy: true }).catch(() => undefined),
      this.deps.networking ? this.deps.networking.detach(c).catch(() => undefined) : undefined,
    ]);
    await rm(this.deps.paths.bundle(c.id), { recursive: true, force: true }).catch(() => undefined);
    await stopSeccompAgent(this.deps.paths.p.execRoot, c.id);
    // conmon's attach-socket link, which it does not always remove when it exits.
    await rm(join(this.deps.paths.socketDir, conmonUuid(c.id)), { force: true }).catch(() => undefined);
  }

  // ---- stop / kill ----

  async kill(idOrName: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.store.resolve(idOrName);
    const sig = signalNumber(signal);
    if (c.state.Status !== 'running' && c.state.Status !== 'paused') {
      throw new ConflictError(`Cannot kill container: ${idOrName}: container ${c.id} is not running`);
    }
    this.emit(c, 'kill', { signal: String(sig) });
    // As docker: SIGKILL or the stop signal (any signal when none is set) ends the run for good,
    // so no restart policy brings it back.
    if (sig === 9 || !c.config.StopSignal || signalNumber(c.config.StopSignal) === sig) {
      c.manuallyStopped = true;
      this.store.update(c);
    }
    await this.deps.runc.kill(c.id, sig, sig === 9).catch((err) => {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    });
  }

  async stop(idOrName: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status === 'restarting') {
      // Waiting out the restart back-off: cancel the restart (the restart hook checks the flag).
      c.manuallyStopped = true;
      c.state.Status = 'exited';
      this.store.update(c);
      this.emit(c, 'stop');
      return;
    }
    if (c.state.Status !== 'running' && c.state.Status !== 'paused') throw new NotModifiedError('container already stopped');
    c.manuallyStopped = true;
    this.store.update(c);
    const timeout = o.timeout ?? (typeof c.config.StopTimeout === 'number' ? c.config.StopTimeout : DEFAULT_STOP_TIMEOUT);
    const sig = signalNumber(o.signal ?? c.config.StopSignal ?? 'SIGTERM');
    const exited = this.waitExit(c.id);
    if (c.state.Status === 'paused') await this.deps.runc.resume(c.id).catch(() => undefined);
    if (sig !== 9) {
      this.emit(c, 'kill', { signal: String(sig) });
      await this.deps.runc.kill(c.id, sig).catch(() => undefined);
      if (timeout < 0) {
        await exited;
      } else if (await Promise.race([exited.then(() => true), delay(timeout * 1000).then(() => false)])) {
        this.emit(this.store.get(c.id) ?? c, 'stop');
        return;
      }
    }
    this.emit(c, 'kill', { signal: '9' });
    await this.deps.runc.kill(c.id, 9, true).catch(() => undefined);
    await Promise.race([exited, delay(10_000)]);
    this.emit(this.store.get(c.id) ?? c, 'stop');
  }

  /** Resolves when the container's current run has ended and been recorded. */
  private waitExit(id: string): Promise<number> {
    return new Promise((resolve) => this.bus.once(`exit:${id}`, resolve));
  }

  async restart(idOrName: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status === 'running' || c.state.Status === 'paused') await this.stop(c.id, o);
    await this.start(c.id);
    this.emit(this.store.get(c.id) ?? c, 'restart');
  }

  async pause(idOrName: string): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status === 'paused') throw new ConflictError(`Container ${c.id} is already paused`);
    if (c.state.Status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    await this.deps.runc.pause(c.id);
    c.state.Status = 'paused';
    this.store.update(c);
    this.emit(c, 'pause');
  }

  async unpause(idOrName: string): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
    await this.deps.runc.resume(c.id);
    c.state.Status = 'running';
    this.store.update(c);
    this.emit(c, 'unpause');
  }

  // ---- wait ----

  /** docker's wait conditions: not-running (default), next-exit, removed. */
  async wait(idOrName: string, condition = 'not-running'): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const c = this.store.resolve(idOrName);
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: "${condition}"`);
    const running = () => {
      const s = this.store.get(c.id)?.state.Status;
      return s === 'running' || s === 'paused' || s === 'restarting' || this.exiting.has(c.id);
    };
    const result = (): { StatusCode: number; Error: { Message: string } | null } => {
      const cur = this.store.get(c.id) ?? c;
      return { StatusCode: cur.state.ExitCode, Error: cur.state.Error ? { Message: cur.state.Error } : null };
    };
    if (condition === 'removed') {
      let last = result();
      const onExit = (): void => {
        last = result();
      };
      this.bus.on(`exit:${c.id}`, onExit);
      try {
        if (this.store.get(c.id)) await new Promise<void>((resolve) => this.bus.once(`removed:${c.id}`, resolve));
        return last;
      } finally {
        this.bus.off(`exit:${c.id}`, onExit);
      }
    }
    if (condition === 'not-running' && !running()) return result();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.bus.off(`exit:${c.id}`, done);
        this.bus.off(`removed:${c.id}`, done);
        resolve();
      };
      this.bus.on(`exit:${c.id}`, done);
      this.bus.on(`removed:${c.id}`, done);
    });
    return result();
  }

  // ---- remove / rename ----

  async remove(idOrName: string, o: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status === 'restarting' && o.force) {
      // No process to kill while the restart back-off runs; the flag cancels the restart.
      c.manuallyStopped = true;
      c.state.Status = 'exited';
      this.store.update(c);
    }
    if (c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting') {
      if (!o.force) {
        throw new ConflictError(`cannot remove container "${c.name}": container is ${c.state.Status}: stop the container before removing or force remove`);
      }
      const exited = this.waitExit(c.id);
      c.manuallyStopped = true;
      this.store.update(c);
      await this.deps.runc.kill(c.id, 9, true).catch(() => undefined);
      if (!(await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]))) {
        // conmon never reported: clean up by hand
        await this.onExit(c.id, 137);
      }
      if (!this.store.get(c.id)) return; // AutoRemove got there first
    }
    await this.locked(c.id, async () => {
      const cur = this.store.get(c.id);
      if (!cur) return;
      cur.state.Status = 'removing';
      this.store.update(cur);
      await this.cleanupRuntime(cur);
      await this.deps.volumes?.release?.(cur, Boolean(o.volumes));
      await this.deps.snapshots.remove(cur.id).catch((err) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
      await rm(this.deps.paths.dataDir(cur.id), { recursive: true, force: true });
      this.store.delete(cur.id);
      for (const h of this.hooks) h.removed?.(cur);
      this.emit(cur, 'destroy');
    });
    this.bus.emit(`removed:${c.id}`);
  }

  rename(idOrName: string, newName: string): void {
    const c = this.store.resolve(idOrName);
    const name = validateContainerName(newName);
    if (name === c.name) throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
    const old = c.name;
    this.store.rename(c, name);
    this.emit(c, 'rename', { oldName: old });
  }

  // ---- attach / logs ----

  /**
   * Output for attach: from the current end of the log (or its start, before the first start)
   * until the container's run ends.
   */
  async *attachOutput(idOrName: string, o: { stdout: boolean; stderr: boolean; logs?: boolean; stream?: boolean; signal?: AbortSignal }): AsyncGenerator<LogEntry> {
    const c = this.store.resolve(idOrName);
    const from = o.logs ? 0 : await logSize(c.logPath);
    if (!o.stream) {
      if (o.logs) yield* readLogs(c.logPath, { stdout: o.stdout, stderr: o.stderr });
      return;
    }
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    o.signal?.addEventListener('abort', onAbort);
    let sawRunning = c.state.Status === 'running' || c.state.Status === 'paused';
    const onStarted = (): void => {
      sawRunning = true;
    };
    const onExit = (): void => {
      if (sawRunning) stop.abort();
    };
    this.bus.on(`started:${c.id}`, onStarted);
    this.bus.on(`exit:${c.id}`, onExit);
    this.bus.once(`removed:${c.id}`, onAbort);
    // A container that is already stopped and not about to start: return what logs were asked.
    const cur = this.store.get(c.id);
    if (cur && cur.state.Status === 'exited' && !o.logs) {
      // docker attaches and waits for a start; keep following until the next run ends.
    }
    try {
      yield* readLogs(c.logPath, { stdout: o.stdout, stderr: o.stderr, fromOffset: from, follow: true, signal: stop.signal });
    } finally {
      this.bus.off(`started:${c.id}`, onStarted);
      this.bus.off(`exit:${c.id}`, onExit);
      this.bus.off(`removed:${c.id}`, onAbort);
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends the client's stdin to the container (waits for it to be running). */
  async attachStdin(idOrName: string, input: Readable): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (!c.config.OpenStdin) {
      input.resume();
      return;
    }
    if (this.store.get(c.id)?.state.Status !== 'running') {
      input.pause();
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.bus.off(`started:${c.id}`, done);
          this.bus.off(`removed:${c.id}`, done);
          resolve();
        };
        this.bus.on(`started:${c.id}`, done);
        this.bus.on(`removed:${c.id}`, done);
      });
      if (this.store.get(c.id)?.state.Status !== 'running') return;
    }
    const bridge = bridgeStdin(this.deps.paths.attachSocket(c.id), input);
    const onExit = (): void => bridge.close();
    this.bus.once(`exit:${c.id}`, onExit);
    await bridge.done;
    this.bus.off(`exit:${c.id}`, onExit);
  }

  async *logs(
    idOrName: string,
    o: { stdout: boolean; stderr: boolean; follow: boolean; tail?: number; sinceNano?: bigint; untilNano?: bigint; signal?: AbortSignal },
  ): AsyncGenerator<LogEntry> {
    const c = this.store.resolve(idOrName);
    const follow = o.follow && (c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting');
    const stop = new AbortController();
    const onStop = (): void => stop.abort();
    o.signal?.addEventListener('abort', onStop);
    this.bus.once(`exit:${c.id}`, onStop);
    try {
      yield* readLogs(c.logPath, {
        stdout: o.stdout,
        stderr: o.stderr,
        ...(o.tail !== undefined ? { tail: o.tail } : {}),
        ...(o.sinceNano !== undefined ? { sinceNano: o.sinceNano } : {}),
        ...(o.untilNano !== undefined ? { untilNano: o.untilNano } : {}),
        follow,
        signal: stop.signal,
      });
    } finally {
      o.signal?.removeEventListener('abort', onStop);
      this.bus.off(`exit:${c.id}`, onStop);
    }
  }

  /** Resizes the container's tty through conmon's control fifo. */
  async resize(idOrName: string, h: number, w: number): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    await writeCtl(join(this.deps.paths.bundle(c.id), 'ctl'), h, w);
  }

  // ---- helpers ----

  emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emit('container', action, c.id, { ...(c.config.Labels ?? {}), image: c.imageName, name: c.name.slice(1), ...extra });
  }

  /** Which container uses an image (for rmi). */
  imageUser(imageId: string): { running: boolean; containerId: string } | undefined {
    let found: { running: boolean; containerId: string } | undefined;
    for (const c of this.store.list()) {
      if (c.imageId !== imageId) continue;
      const running = c.state.Status === 'running' || c.state.Status === 'paused';
      if (running) return { running, containerId: c.id };
      found ??= { running, containerId: c.id };
    }
    return found;
  }

  /** `--pid container:X` / `--ipc container:X`: the namespaces of X's running process (docker's errors otherwise). */
  private namespacesToJoin(c: ContainerRecord): { pid?: string; ipc?: string } {
    const out: { pid?: string; ipc?: string } = {};
    for (const [kind, key, label] of [['pid', 'PidMode', 'PID'], ['ipc', 'IpcMode', 'IPC']] as const) {
      const m = /^container:(.+)$/.exec(String(c.hostConfig[key] ?? ''));
      if (!m) continue;
      const other = this.store.resolve(m[1]!);
      if (other.id === c.id) throw new InvalidArgumentError(`cannot join own ${label} namespace`);
      if (!this.isRunning(other) || !other.state.Pid) throw new ConflictError(`cannot join ${label} of a non running container: ${other.id}`);
      out[kind] = `/proc/${other.state.Pid}/ns/${kind}`;
    }
    return out;
  }

  isRunning(c: ContainerRecord): boolean {
    return c.state.Status === 'running' || c.state.Status === 'paused';
  }

  bundleExists(id: string): boolean {
    return existsSync(this.deps.paths.bundle(id));
  }

  onEvent(event: 'exit' | 'removed' | 'started', id: string, fn: (...a: unknown[]) => void): () => void {
    this.bus.on(`${event}:${id}`, fn);
    return () => this.bus.off(`${event}:${id}`, fn);
  }

  /** The container an ID, ID prefix or name names (NotFoundError when none). */
  resolve(idOrName: string): ContainerRecord {
    return this.store.resolve(idOrName);
  }

  /** Like resolve, undefined when none. */
  find(idOrName: string): ContainerRecord | undefined {
    return this.store.find(idOrName);
  }

  /** Every container's record. */
  list(): ContainerRecord[] {
    return this.store.list();
  }
}

export class StartError extends InvalidArgumentError {}

/** Image config under the request's: docker's merge rules (Cmd from image only when no Entrypoint given). */
function mergeImageConfig(req: CreateRequest, image: ImageRecord): ApiConfig {
  const ic = image.config.config ?? {};
  const { HostConfig: _hc, NetworkingConfig: _nc, ...cfg } = req;
  void _hc;
  void _nc;
  const out: ApiConfig = { ...cfg };
  const userEnv = cfg.Env ?? [];
  const env = [...(ic.Env ?? [])];
  for (const e of userEnv) {
    const k = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === k);
    if (i === -1) env.push(e);
    else env[i] = e;
  }
  out.Env = env;
  const hasEntrypoint = cfg.Entrypoint !== undefined && cfg.Entrypoint !== null;
  if (!hasEntrypoint) out.Entrypoint = ic.Entrypoint ?? null;
  else if (cfg.Entrypoint!.length === 1 && cfg.Entrypoint![0] === '') out.Entrypoint = null;
  if (!cfg.Cmd || cfg.Cmd.length === 0) out.Cmd = hasEntrypoint ? (cfg.Cmd ?? null) : (ic.Cmd ?? null);
  if (!cfg.WorkingDir) out.WorkingDir = ic.WorkingDir ?? '';
  if (!cfg.User) out.User = ic.User ?? '';
  out.Labels = { ...(ic.Labels ?? {}), ...(cfg.Labels ?? {}) };
  if (ic.ExposedPorts || cfg.ExposedPorts) out.ExposedPorts = { ...(ic.ExposedPorts ?? {}), ...(cfg.ExposedPorts ?? {}) };
  if (ic.Volumes || cfg.Volumes) out.Volumes = { ...(ic.Volumes ?? {}), ...(cfg.Volumes ?? {}) };
  if (!cfg.StopSignal && ic.StopSignal) out.StopSignal = ic.StopSignal;
  if (ic.Healthcheck) out.Healthcheck = mergeHealthcheck(cfg.Healthcheck, ic.Healthcheck);
  if (ic.OnBuild) out.OnBuild = ic.OnBuild;
  out.Image = String(req.Image);
  return out;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

async function writeCtl(path: string, h: number, w: number): Promise<void> {
  const { open } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const fh = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fh.write(`1 ${h} ${w}\n`);
  } finally {
    await fh.close();
  }
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${s}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}
