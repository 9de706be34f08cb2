// `docker exec`: a process run in a running container by the runtime under a monitor of its own,
// its output in a log file of its own, stdin through the monitor's attach socket.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, NotFoundError, errorMessage } from '../errors.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { Process } from '../runtime/spec/runtime-spec.js';
import { resolveExecUser } from '../runtime/user/exec-user.js';
import { readHostBoundingSet, resolveCapabilities } from '../runtime/capabilities.js';
import type { ContainerService } from './container-service.js';
import type { ContainerPaths } from './container-paths.js';
import { detachKeysOf, watchDetachKeys } from './detach-input.js';
import { type LogEntry, readLogs } from './log-file.js';
import { bridgeStdin } from './stdin-bridge.js';

/** The process could not be started (not found, not executable): reported in the stream like docker. */
export class ExecStartError extends ConflictError {}

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
  ConsoleSize?: [number, number] | null;
}

interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  dir: string;
  started: boolean;
}

export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();
  private readonly bus = new EventEmitter();

  constructor(private readonly containers: ContainerService, private readonly runtime: OciRuntime, private readonly paths: ContainerPaths) {
    this.bus.setMaxListeners(0);
  }

  create(containerIdOrName: string, cfg: ExecConfig): { Id: string } {
    const c = this.containers.store.resolve(containerIdOrName);
    if (c.state.Status === 'paused') throw new ConflictError(`Container ${c.id} is paused, unpause the container before exec`);
    if (c.state.Status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    if (!cfg.Cmd || cfg.Cmd.length === 0) throw new ConflictError('No exec command specified');
    detachKeysOf(cfg.DetachKeys, 'escape');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, containerId: c.id, config: cfg, running: false, exitCode: null, pid: 0, dir: this.paths.execDir(c.id, id), started: false });
    this.containers.emit(c, `exec_create: ${cfg.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new NotFoundError(`No such exec instance: ${id}`);
    return e;
  }

  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId && e.running).map((e) => e.id);
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    return {
      ID: e.id,
      Running: e.running,
      ExitCode: e.exitCode,
      ProcessConfig: { tty: Boolean(e.config.Tty), entrypoint: e.config.Cmd![0], arguments: e.config.Cmd!.slice(1), privileged: Boolean(e.config.Privileged), user: e.config.User ?? '' },
      OpenStdin: Boolean(e.config.AttachStdin),
      OpenStderr: Boolean(e.config.AttachStderr),
      OpenStdout: Boolean(e.config.AttachStdout),
      CanRemove: false,
      ContainerID: e.containerId,
      DetachKeys: e.config.DetachKeys ?? '',
      Pid: e.pid,
    };
  }

  /**
   * Starts the process (a terminal when the exec was created with Tty); resolves once it runs.
   * `exited` resolves with its exit code. `stdin: false`: nobody will send any (detached start).
   * `consoleSize` [height, width] overrides the one given at create.
   */
  async start(id: string, o: { stdin?: boolean; consoleSize?: [number, number] | null } = {}): Promise<{ exited: Promise<number> }> {
    const e = this.get(id);
    if (e.started) throw new ConflictError(`Error: Exec command ${id} has already run`);
    const c = this.containers.store.resolve(e.containerId);
    if (c.state.Status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    e.started = true;
    const tty = Boolean(e.config.Tty);
    const bundle = this.paths.bundle(c.id);
    const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: Record<string, unknown>; root: { path: string } };
    const proc = { ...spec.process } as Record<string, unknown> & { env?: string[]; capabilities?: Record<string, string[]> };
    proc.args = e.config.Cmd;
    proc.terminal = tty;
    if (e.config.WorkingDir) proc.cwd = e.config.WorkingDir;
    const env = [...(proc.env ?? [])];
    for (const kv of e.config.Env ?? []) {
      const k = kv.split('=')[0];
      const i = env.findIndex((x) => x.split('=')[0] === k);
      if (i === -1) env.push(kv);
      else env[i] = kv;
    }
    proc.env = env;
    if (e.config.User) {
      const u = await resolveExecUser(this.paths.rootfs(c.id), e.config.User);
      proc.user = { uid: u.uid, gid: u.gid, ...(u.additionalGids.length ? { additionalGids: u.additionalGids } : {}) };
    }
    if (e.config.Privileged) {
      const all = resolveCapabilities({ privileged: true, hostBounding: readHostBoundingSet() } as Parameters<typeof resolveCapabilities>[0]).capabilities;
      proc.capabilities = { bounding: all, effective: all, permitted: all };
    }
    const size = o.consoleSize ?? e.config.ConsoleSize;
    if (tty && size && size[0] > 0 && size[1] > 0) proc.consoleSize = { height: size[0], width: size[1] };
    else delete proc.consoleSize;
    let launched;
    try {
      launched = await this.runtime.exec({
        containerId: c.id,
        execId: id,
        name: c.name.slice(1),
        dir: e.dir,
        process: proc as unknown as Process,
        logPath: join(e.dir, 'log'),
        stdin: Boolean(o.stdin ?? e.config.AttachStdin),
        // dockerd closes an exec's stdin when the client's ends, except on a terminal.
        stdinOnce: !tty,
        tty,
      });
    } catch (err) {
      // dockerd records 126 for any exec that could not start, a missing binary included.
      e.exitCode = 126;
      this.bus.emit(`exit:${id}`, e.exitCode);
      const msg = errorMessage(err);
      throw new ExecStartError(`OCI runtime exec failed: ${msg.startsWith('exec failed: ') ? msg : `exec failed: ${msg}`}: unknown`);
    }
    e.running = true;
    e.pid = launched.pid;
    this.containers.emit(c, `exec_start: ${e.config.Cmd!.join(' ')}`, { execID: id });
    const exited = launched.exited.then(
      (code) => code,
      () => 255,
    ).then((code) => {
      e.running = false;
      e.exitCode = code;
      this.containers.emit(c, 'exec_die', { execID: id, exitCode: String(code) });
      this.bus.emit(`exit:${id}`, code);
      return code;
    });
    return { exited };
  }

  /**
   * The exec's streams once started: `stdin` (the client's bytes after the upgrade) to the process
   * when it was created with AttachStdin, its output back until it exits or the client goes. On a
   * terminal, as in dockerd, the output also ends when stdin does or the client detaches (the
   * process keeps running); without one, stdin's end closes the process's stdin. Only the streams
   * asked for at create come back, and no stderr on a `raw` stream (dockerd has nowhere to put it).
   */
  attach(id: string, o: { stdin: Readable; exited: Promise<number>; signal: AbortSignal; raw: boolean }): { output: AsyncGenerator<LogEntry>; detached(): boolean } {
    const { stdin, exited, signal } = o;
    const e = this.get(id);
    const tty = Boolean(e.config.Tty);
    const end = new AbortController();
    void exited.finally(() => end.abort());
    signal.addEventListener('abort', () => end.abort(), { once: true });
    let detached = false;
    if (e.config.AttachStdin) {
      const watched = watchDetachKeys(stdin, tty ? detachKeysOf(e.config.DetachKeys, 'escape') : []);
      void this.sendStdin(e, watched.input).catch(() => undefined);
      void watched.detached.then((d) => {
        detached = d;
        const c = this.containers.store.get(e.containerId);
        if (d && c) this.containers.emit(c, 'exec_detach', { execID: id });
        if (tty) end.abort();
      });
    } else stdin.resume();
    const streams = { stdout: Boolean(e.config.AttachStdout), stderr: Boolean(e.config.AttachStderr) && !o.raw };
    return { output: readLogs(join(e.dir, 'log'), { ...streams, follow: true, signal: end.signal }), detached: () => detached };
  }

  private async sendStdin(e: ExecRecord, input: Readable): Promise<void> {
    const bridge = bridgeStdin(this.runtime.attachSocket(e.id), input);
    this.bus.once(`exit:${e.id}`, () => bridge.close());
    await bridge.done;
  }

  async resize(id: string, h: number, w: number): Promise<void> {
    const e = this.get(id);
    if (!e.running) throw new ConflictError(`Exec ${id} is not running`);
    await this.runtime.resize(e.dir, h, w);
  }

  /** Forgets finished execs of a container (on its exit or removal). */
  async forgetContainer(containerId: string): Promise<void> {
    for (const [id, e] of this.execs) {
      if (e.containerId === containerId) {
        this.execs.delete(id);
        await rm(e.dir, { recursive: true, force: true }).catch(() => undefined);
      }
    }
  }
}
