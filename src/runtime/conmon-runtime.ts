// OciRuntime on conmon + runc: conmon runs `runc create` (and `runc exec`) and stays as the
// container's monitor — it holds the stdio, writes the log and the exit file, serves the attach
// socket and the ctl fifo — so containers outlive berthd; the other verbs are runc's CLI, but for
// start (the exec fifo, exec-fifo.ts) and one signal to an init this berthd created (init-process.ts).
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mountAll, unmount, type Mount } from '../snapshot/mount.js';
import { Conmon, conmonUuid } from './conmon.js';
import { type InitProcess, readInitProcess, signalInit } from './init-process.js';
import { Runc } from './runc.js';
import type { AttachedProcess, CreateTaskOptions, CreatedTask, ExecOptions, ExecProcess, OciRuntime, TaskState } from './oci-runtime.js';
import type { LinuxResources } from './spec/runtime-spec.js';

export interface ConmonRuntimeOptions {
  /** The OCI runtime binary (runc, crun or a path). */
  runtimeBinary: string;
  /** The runtime's `--root`: where it keeps its state for our containers. */
  runtimeRoot: string;
  conmonBinary: string;
  /** Where conmon makes `<uuid>` links to its attach sockets (short, for sun_path). */
  socketDir: string;
}

export class ConmonRuntime implements OciRuntime {
  private readonly runc: Runc;
  private readonly conmon: Conmon;
  /** The inits this berthd created (not those of containers from before a restart: runc is asked for those). */
  private readonly inits = new Map<string, InitProcess>();

  constructor(private readonly o: ConmonRuntimeOptions) {
    this.runc = new Runc({ binary: o.runtimeBinary, root: o.runtimeRoot });
    this.conmon = new Conmon({ binary: o.conmonBinary, socketDir: o.socketDir }, this.runc);
  }

  mountRootfs(mounts: Mount[], target: string): Promise<void> {
    return mountAll(mounts, target);
  }

  unmountRootfs(target: string): Promise<void> {
    return unmount(target, { lazy: true }).catch(() => undefined);
  }

  async create(o: CreateTaskOptions): Promise<CreatedTask> {
    await mkdir(this.o.socketDir, { recursive: true });
    await mkdir(o.exitDir, { recursive: true });
    const { pid } = await this.conmon.launch({
      containerId: o.id,
      uuid: conmonUuid(o.id),
      name: o.name,
      bundle: o.bundle,
      pidFile: join(o.bundle, 'pidfile'),
      conmonPidFile: join(o.bundle, 'conmon.pid'),
      logPath: o.logPath,
      ...(o.logMaxSize ? { logMaxSize: o.logMaxSize } : {}),
      exitDir: o.exitDir,
      stdin: o.stdin,
      ...(o.stdinOnce ? { stdinOnce: true } : {}),
      tty: o.tty,
    });
    const [monitorText, init] = await Promise.all([readFile(join(o.bundle, 'conmon.pid'), 'utf8').catch(() => '0'), readInitProcess(pid)]);
    if (init) this.inits.set(o.id, init);
    return { pid, monitorPid: Number.parseInt(monitorText, 10) };
  }

  start(id: string): Promise<void> {
    return this.runc.start(id, this.inits.get(id)?.pid);
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    // One signal to the init needs no runtime process; every process (--all) and SIGKILL (which
    // runc follows with a thaw of a paused container) go through runc.
    const init = this.inits.get(id);
    if (!all && init && signal !== 9 && signal !== 'KILL' && signal !== 'SIGKILL' && (await signalInit(init, signal))) return;
    return this.runc.kill(id, signal, all);
  }

  pause(id: string): Promise<void> {
    return this.runc.pause(id);
  }

  resume(id: string): Promise<void> {
    return this.runc.resume(id);
  }

  pids(id: string): Promise<number[]> {
    return this.runc.pids(id);
  }

  update(id: string, resources: LinuxResources): Promise<void> {
    return this.runc.update(id, resources);
  }

  async state(id: string): Promise<TaskState | undefined> {
    const s = await this.runc.state(id);
    return s && { id: s.id, pid: s.pid, status: s.status };
  }

  async delete(id: string, force = false): Promise<void> {
    this.inits.delete(id);
    await this.runc.delete(id, force);
    // conmon's attach-socket link, which it does not always remove when it exits.
    await rm(join(this.o.socketDir, conmonUuid(id)), { force: true }).catch(() => undefined);
  }

  async exec(o: ExecOptions): Promise<ExecProcess> {
    await mkdir(join(o.dir, 'exit'), { recursive: true });
    await mkdir(this.o.socketDir, { recursive: true });
    const specPath = join(o.dir, 'process.json');
    await writeFile(specPath, JSON.stringify(o.process));
    const launched = await this.conmon.launch({
      containerId: o.containerId,
      uuid: conmonUuid(o.execId),
      name: o.name,
      bundle: o.dir,
      pidFile: join(o.dir, 'pid'),
      conmonPidFile: join(o.dir, 'conmon.pid'),
      logPath: o.logPath,
      exitDir: join(o.dir, 'exit'),
      stdin: o.stdin,
      ...(o.stdinOnce ? { stdinOnce: true } : {}),
      tty: o.tty,
      execProcessSpec: specPath,
    });
    return { pid: launched.pid, exited: launched.exited ?? Promise.resolve(0) };
  }

  execAttached(id: string, argv: string[]): AttachedProcess {
    return this.runc.spawnAttached(['exec', id, ...argv]);
  }

  run(id: string, bundle: string): AttachedProcess {
    return this.runc.spawnAttached(['run', '--bundle', bundle, id]);
  }

  attachSocket(id: string): string {
    return join(this.o.socketDir, conmonUuid(id), 'attach');
  }

  async resize(bundle: string, height: number, width: number): Promise<void> {
    // conmon's ctl fifo: message type 1 is a window resize. Non-blocking: no reader, no hang.
    const fh = await open(join(bundle, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      await fh.write(`1 ${height} ${width}\n`);
    } finally {
      await fh.close();
    }
  }
}
