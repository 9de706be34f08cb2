// The container service: docker's container verbs — create, start, stop, kill, wait, remove,
// rename, pause, attach, logs, top, update, stats — over the record store and the OCI runtime.
// The parts live beside it: container-create.ts, container-start.ts (the start steps and their
// rollback), container-exits.ts (a run's end, recovery after a daemon restart), container-streams.ts.
import { existsSync } from 'node:fs';
import { ConflictError, InvalidArgumentError, NotFoundError, NotModifiedError } from '../errors.js';
import { ContainerCore, delay, isRunning } from './container-core.js';
import { createContainer } from './container-create.js';
import type { ContainerHooks, ContainerServiceDeps, CreateRequest } from './container-deps.js';
import { ContainerExits } from './container-exits.js';
import { processAlive } from '../sys/process-alive.js';
import type { ContainerRecord, ContainerStore } from './container-record.js';
import { startContainer } from './container-start.js';
import { type AttachRequest, type AttachSession, attach, followLogs, resize } from './container-streams.js';
import { findLink } from './legacy-links.js';
import { removeHostsLink } from '../network/container-etc-files.js';
import { connectNetwork, disconnectNetwork } from './network-connect.js';
import type { EndpointSettings } from '../network/api-types.js';
import { disposeContainer } from './container-remove.js';
import { listProcesses, type TopResult } from './container-top.js';
import { validateContainerName } from './container-names.js';
import { checkLogsReadable } from './log-driver.js';
import type { LogEntry } from './log-file.js';
import { signalNumber } from './signals.js';
import type { ContainerStats } from './stats-sample.js';
import { containerStats, type StatsOptions } from './stats-stream.js';
import { type UpdateRequest, updateContainer } from './update-resources.js';

export type { ContainerHooks, ContainerNetworking, ContainerServiceDeps, ContainerVolumes, CreateRequest } from './container-deps.js';
export { StartError } from './container-start.js';

const DEFAULT_STOP_TIMEOUT = 10;
/** How long a SIGKILLed container's monitor has to report the exit before berth records it itself. */
const KILL_EXIT_TIMEOUT_MS = 10_000;

export class ContainerService {
  readonly store: ContainerStore;
  readonly hooks: ContainerHooks[];
  private readonly core: ContainerCore;
  private readonly exits: ContainerExits;

  constructor(readonly deps: ContainerServiceDeps) {
    this.core = new ContainerCore(deps);
    this.store = this.core.store;
    this.hooks = this.core.hooks;
    // A --rm container goes in the lock its exit is recorded in, with its anonymous volumes.
    this.exits = new ContainerExits(this.core, (c) => disposeContainer(this.core, (r) => this.exits.releaseRuntime(r), c, { volumes: true }));
  }

  async init(): Promise<void> {
    await this.exits.init();
    await this.core.seccompAgents.removeLeftovers();
    this.core.seccompAgents.refill();
  }

  shutdown(): void {
    this.exits.shutdown();
    this.core.seccompAgents.close();
  }

  /** Records whose run is over though they say running: their conmon is gone and no exit was recorded. */
  lostRuns(): ContainerRecord[] {
    return this.store.list().filter((c) => isRunning(c) && !(c.state.ConmonPid && processAlive(c.state.ConmonPid)));
  }

  /** Gives each lost run its exit (as after a daemon restart): state, runtime, mounts and network released. */
  recoverLostRuns(): Promise<void> {
    return this.exits.recover();
  }

  create(name: string | undefined, req: CreateRequest, platform?: string): Promise<{ Id: string; Warnings: string[] }> {
    void platform;
    return createContainer(this.core, name, req);
  }

  async start(idOrName: string): Promise<void> {
    const c0 = this.store.resolve(idOrName);
    await this.core.locked(c0.id, async () => {
      const c = this.store.resolve(c0.id);
      if (c.state.Status === 'running' || c.state.Status === 'paused') throw new NotModifiedError('container already started');
      if (c.state.Status === 'removing') throw new ConflictError(`cannot start container ${c.id}: container is marked for removal`);
      await startContainer({ core: this.core, exits: this.exits, autoRemove: (id) => this.remove(id, { force: true, volumes: true }) }, c);
    });
  }

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
    // docker returns from SIGKILL once the container is dead; any other signal is only sent.
    if (sig === 9) return this.killAndWait(c);
    await this.deps.runtime.kill(c.id, sig).catch((err) => {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    });
  }

  /**
   * SIGKILL to every process of the container, then its exit recorded: callers (kill, stop, rm -f)
   * return when inspect already shows it stopped. A monitor that never reports is recorded by hand.
   */
  private async killAndWait(c: ContainerRecord): Promise<void> {
    const exited = this.core.waitExit(c.id);
    await this.deps.runtime.kill(c.id, 9, true).catch((err) => {
      if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
    });
    // A frozen process takes its SIGKILL only once thawed.
    if (this.store.get(c.id)?.state.Status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
    if (await Promise.race([exited.then(() => true), delay(KILL_EXIT_TIMEOUT_MS).then(() => false)])) return;
    await this.exits.recordExit(c.id, 137);
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
    const exited = this.core.waitExit(c.id);
    if (c.state.Status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
    if (sig !== 9) {
      this.emit(c, 'kill', { signal: String(sig) });
      await this.deps.runtime.kill(c.id, sig).catch(() => undefined);
      if (timeout < 0) {
        await exited;
      } else if (await Promise.race([exited.then(() => true), delay(timeout * 1000).then(() => false)])) {
        this.emit(this.store.get(c.id) ?? c, 'stop');
        return;
      }
    }
    this.emit(c, 'kill', { signal: '9' });
    await this.killAndWait(c);
    this.emit(this.store.get(c.id) ?? c, 'stop');
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
    await this.deps.runtime.pause(c.id);
    c.state.Status = 'paused';
    this.store.update(c);
    this.emit(c, 'pause');
  }

  async unpause(idOrName: string): Promise<void> {
    const c = this.store.resolve(idOrName);
    if (c.state.Status !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
    await this.deps.runtime.resume(c.id);
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
      return s === 'running' || s === 'paused' || s === 'restarting' || this.core.exiting.has(c.id);
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
      this.core.bus.on(`exit:${c.id}`, onExit);
      try {
        if (this.store.get(c.id)) await new Promise<void>((resolve) => this.core.bus.once(`removed:${c.id}`, resolve));
        return last;
      } finally {
        this.core.bus.off(`exit:${c.id}`, onExit);
      }
    }
    if (condition === 'not-running' && !running()) return result();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.core.bus.off(`exit:${c.id}`, done);
        this.core.bus.off(`removed:${c.id}`, done);
        resolve();
      };
      this.core.bus.on(`exit:${c.id}`, done);
      this.core.bus.on(`removed:${c.id}`, done);
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
        // dockerd 20.10's wording, which clients (docker-py's tests among them) match on.
        const procedure = 'stop the container before attempting removal or force remove';
        const how = c.state.Status === 'paused' ? `Unpause and then ${procedure}` : `S${procedure.slice(1)}`;
        throw new ConflictError(`You cannot remove a ${c.state.Status} container ${c.id}. ${how}`);
      }
      c.manuallyStopped = true;
      this.store.update(c);
      await this.killAndWait(c);
      if (!this.store.get(c.id)) return; // AutoRemove got there first
    }
    await this.core.locked(c.id, async () => {
      const cur = this.store.get(c.id);
      if (cur) await disposeContainer(this.core, (r) => this.exits.releaseRuntime(r), cur, { volumes: Boolean(o.volumes) });
    });
    this.core.bus.emit(`removed:${c.id}`);
  }

  /** `DELETE /containers/<parent>/<alias>?link=1`: the legacy link gone from the parent (and from its
   *  /etc/hosts while it runs). */
  async removeLink(name: string): Promise<void> {
    const find = (ref: string): ContainerRecord | undefined => this.store.find(ref);
    const { parent } = findLink(name, find);
    await this.core.locked(parent.id, async () => {
      const { parent: cur, index, alias } = findLink(name, find);
      const links = [...((cur.hostConfig.Links as string[] | null | undefined) ?? [])];
      links.splice(index, 1);
      cur.hostConfig.Links = links.length > 0 ? links : null;
      this.store.update(cur);
      if (isRunning(cur)) await removeHostsLink(this.deps.paths.dataDir(cur.id), alias);
    });
  }

  rename(idOrName: string, newName: string): void {
    const c = this.store.resolve(idOrName);
    const name = validateContainerName(newName);
    if (name === c.name) throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
    const old = c.name;
    this.store.rename(c, name);
    this.emit(c, 'rename', { oldName: old });
  }

  // ---- networks ----

  /** `network connect`: at once when running, else recorded for the next start (docker's). */
  connectNetwork(idOrName: string, network: string, cfg: EndpointSettings | null = null): Promise<void> {
    return connectNetwork(this.core, idOrName, network, cfg);
  }

  /** `network disconnect`: at once when running, else recorded for the next start. */
  disconnectNetwork(idOrName: string, network: string, force = false): Promise<void> {
    return disconnectNetwork(this.core, idOrName, network, force);
  }

  // ---- attach / logs / top / update / stats ----

  /** docker's attach: stdin to the container, its output back until the run ends or the client detaches. */
  attach(idOrName: string, o: AttachRequest): AttachSession {
    return attach(this.core, idOrName, o);
  }

  logs(
    idOrName: string,
    o: { stdout: boolean; stderr: boolean; follow: boolean; tail?: number; sinceNano?: bigint; untilNano?: bigint; signal?: AbortSignal },
  ): AsyncGenerator<LogEntry> {
    // Checked now, not when the generator first runs: the refusal must come before any output.
    checkLogsReadable(this.store.resolve(idOrName).hostConfig.LogConfig);
    return followLogs(this.core, idOrName, o);
  }

  resize(idOrName: string, h: number, w: number): Promise<void> {
    return resize(this.core, idOrName, h, w);
  }

  /** `docker top`: the container's processes as `ps` shows them (ps_args as given, `-ef` by default). */
  async top(idOrName: string, psArgs?: string): Promise<TopResult> {
    const c = this.store.resolve(idOrName);
    if (!isRunning(c)) throw new ConflictError(`Container ${c.id} is not running`);
    const result = await listProcesses(this.deps.runtime, c.id, psArgs);
    this.emit(c, 'top');
    return result;
  }

  /** `docker update`: new limits for a running container at once, and in its HostConfig for later starts. */
  async update(idOrName: string, request: UpdateRequest): Promise<{ Warnings: string[] }> {
    const result = await updateContainer(this.store, this.deps.runtime, idOrName, request);
    this.emit(this.store.resolve(idOrName), 'update');
    return result;
  }

  /** Resource-usage samples (resolves the container first, so an unknown one fails before any output). */
  stats(idOrName: string, o: StatsOptions): AsyncGenerator<ContainerStats> {
    const c = this.store.resolve(idOrName);
    return containerStats(() => this.store.get(c.id), this.deps.cgroupParent, o);
  }

  // ---- helpers ----

  emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.core.emit(c, action, extra);
  }

  /** Which container uses an image (for rmi). */
  imageUser(imageId: string): { running: boolean; containerId: string } | undefined {
    let found: { running: boolean; containerId: string } | undefined;
    for (const c of this.store.list()) {
      if (c.imageId !== imageId) continue;
      const running = isRunning(c);
      if (running) return { running, containerId: c.id };
      found ??= { running, containerId: c.id };
    }
    return found;
  }

  isRunning(c: ContainerRecord): boolean {
    return isRunning(c);
  }

  bundleExists(id: string): boolean {
    return existsSync(this.deps.paths.bundle(id));
  }

  onEvent(event: 'exit' | 'removed' | 'started', id: string, fn: (...a: unknown[]) => void): () => void {
    this.core.bus.on(`${event}:${id}`, fn);
    return () => this.core.bus.off(`${event}:${id}`, fn);
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
