// Test support: an OciRuntime that runs nothing. Tasks live in memory and move through runc's
// states; a task "exits" when a test says so (exit()) or a signal ends it, and then, as conmon
// does, its exit file appears in the exit directory. Mounts are only recorded. Any verb can be
// made to fail once (failNext). No root needed.
import { mkdirSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import { signalNumber } from '../../src/container/signals.js';
import type { Mount } from '../../src/snapshot/mount.js';
import {
  type AttachedProcess,
  type CreateTaskOptions,
  type CreatedTask,
  type ExecOptions,
  type ExecProcess,
  type OciRuntime,
  RuntimeError,
  type TaskState,
  type TaskStatus,
} from '../../src/runtime/oci-runtime.js';
import type { LinuxResources } from '../../src/runtime/spec/runtime-spec.js';

export interface FakeTask {
  id: string;
  pid: number;
  status: TaskStatus;
  exitDir: string;
  /** Signals the process ignores (SIGKILL cannot be ignored). */
  ignores: Set<number>;
  /** Signals sent while paused: delivered on resume. */
  pending: number[];
  resources?: LinuxResources;
}

type Verb = 'mountRootfs' | 'create' | 'start' | 'kill' | 'pause' | 'resume' | 'pids' | 'update' | 'delete' | 'exec';

export class FakeOciRuntime implements OciRuntime {
  readonly tasks = new Map<string, FakeTask>();
  /** Targets mounted now. */
  readonly mounted = new Set<string>();
  /** Every call, as `verb id` (targets for mounts), in order. */
  readonly calls: string[] = [];
  /** What an exec's process exits with. */
  execExitCode = 0;
  /** Signals a task created from now on ignores (e.g. SIGTERM, to test stop's timeout). */
  ignoreSignals: number[] = [];
  private readonly failures = new Map<Verb, Error>();
  private nextPid = 40_000;

  /** The next call of `verb` throws `err` (a RuntimeError by default). */
  failNext(verb: Verb, err: Error = new RuntimeError(`fake ${verb} failure`)): void {
    this.failures.set(verb, err);
  }

  /** The task's process ends with `code`: the exit file appears, as conmon writes it. */
  exit(id: string, code: number): void {
    const t = this.tasks.get(id);
    if (!t || t.status === 'stopped') return;
    t.status = 'stopped';
    if (!existsSync(t.exitDir)) return; // the test has cleaned up already
    const tmp = join(t.exitDir, `${id}.tmp`);
    writeFileSync(tmp, String(code));
    renameSync(tmp, join(t.exitDir, id));
  }

  private call(verb: Verb, what: string): void {
    this.calls.push(`${verb} ${what}`);
    const err = this.failures.get(verb);
    if (err) {
      this.failures.delete(verb);
      throw err;
    }
  }

  private task(id: string): FakeTask {
    const t = this.tasks.get(id);
    if (!t) throw new NotFoundError(`container "${id}" does not exist`);
    return t;
  }

  async mountRootfs(mounts: Mount[], target: string): Promise<void> {
    void mounts;
    this.call('mountRootfs', target);
    this.mounted.add(target);
  }

  async unmountRootfs(target: string): Promise<void> {
    this.calls.push(`unmountRootfs ${target}`);
    this.mounted.delete(target);
  }

  async create(o: CreateTaskOptions): Promise<CreatedTask> {
    this.call('create', o.id);
    if (this.tasks.has(o.id)) throw new ConflictError(`container with id exists: ${o.id}`);
    if (!existsSync(join(o.bundle, 'config.json'))) throw new RuntimeError(`${o.bundle}/config.json: no such file or directory`);
    mkdirSync(o.exitDir, { recursive: true });
    const pid = this.nextPid++;
    this.tasks.set(o.id, { id: o.id, pid, status: 'created', exitDir: o.exitDir, ignores: new Set(this.ignoreSignals), pending: [] });
    // The monitor "lives" as long as the test process does.
    return { pid, monitorPid: process.pid };
  }

  async start(id: string): Promise<void> {
    this.call('start', id);
    const t = this.task(id);
    if (t.status !== 'created') throw new ConflictError(`cannot start a container in state ${t.status}`);
    t.status = 'running';
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    this.call('kill', `${id} ${signal}${all ? ' all' : ''}`);
    const t = this.task(id);
    if (t.status === 'stopped') throw new ConflictError('container not running');
    const sig = signalNumber(signal);
    if (t.status === 'paused' && sig !== 9) {
      t.pending.push(sig);
      return;
    }
    this.deliver(t, sig);
  }

  private deliver(t: FakeTask, sig: number): void {
    if (sig !== 9 && t.ignores.has(sig)) return;
    this.exit(t.id, 128 + sig);
  }

  async pause(id: string): Promise<void> {
    this.call('pause', id);
    const t = this.task(id);
    if (t.status !== 'running') throw new ConflictError('container not running');
    t.status = 'paused';
  }

  async resume(id: string): Promise<void> {
    this.call('resume', id);
    const t = this.task(id);
    if (t.status !== 'paused') throw new ConflictError('container is not paused');
    t.status = 'running';
    for (const sig of t.pending.splice(0)) this.deliver(t, sig);
  }

  async pids(id: string): Promise<number[]> {
    this.call('pids', id);
    const t = this.task(id);
    return t.status === 'stopped' ? [] : [t.pid];
  }

  async update(id: string, resources: LinuxResources): Promise<void> {
    this.call('update', id);
    const t = this.task(id);
    if (t.status === 'stopped') throw new ConflictError('container not running');
    t.resources = resources;
  }

  async state(id: string): Promise<TaskState | undefined> {
    const t = this.tasks.get(id);
    return t && { id, pid: t.pid, status: t.status };
  }

  async delete(id: string, force = false): Promise<void> {
    this.call('delete', id);
    const t = this.tasks.get(id);
    if (!t) return;
    if (t.status !== 'stopped' && t.status !== 'created' && !force) throw new ConflictError(`cannot delete container ${id} that is not stopped`);
    if (t.status !== 'stopped' && t.status !== 'created') this.exit(id, 137);
    this.tasks.delete(id);
  }

  async exec(o: ExecOptions): Promise<ExecProcess> {
    this.call('exec', o.containerId);
    const t = this.task(o.containerId);
    if (t.status !== 'running') throw new ConflictError('cannot exec in a stopped container');
    mkdirSync(o.dir, { recursive: true });
    writeFileSync(o.logPath, '');
    return { pid: this.nextPid++, exited: Promise.resolve(this.execExitCode) };
  }

  execAttached(id: string, argv: string[]): AttachedProcess {
    this.calls.push(`execAttached ${id} ${argv.join(' ')}`);
    const t = this.tasks.get(id);
    return attached(t && t.status === 'running' ? this.execExitCode : 1);
  }

  run(id: string, bundle: string): AttachedProcess {
    this.calls.push(`run ${id} ${bundle}`);
    return attached(0);
  }

  attachSocket(id: string): string {
    return join('/nonexistent-fake-runtime', id, 'attach');
  }

  async resize(bundle: string, height: number, width: number): Promise<void> {
    this.calls.push(`resize ${bundle} ${height}x${width}`);
  }
}

function attached(code: number): AttachedProcess {
  return { stdout: Readable.from([]), stderr: Readable.from([]), exited: Promise.resolve(code), signal: () => undefined };
}
