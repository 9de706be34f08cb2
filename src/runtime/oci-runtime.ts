// The OCI runtime as the rest of berth sees it: a container (a "task") is created from a bundle
// under a monitor that outlives berthd, started, signalled, paused, updated, exec'd into and
// deleted. `conmon-runtime.ts` implements it with conmon + runc; tests use a fake.
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { Mount } from '../snapshot/mount.js';
import type { LinuxResources, Process } from './spec/runtime-spec.js';

/** The runtime (or its monitor) failed; the message is the runtime's own, cleaned of log noise. */
export class RuntimeError extends BerthError {}

export type TaskStatus = 'created' | 'running' | 'pausing' | 'paused' | 'stopped';

export interface TaskState {
  id: string;
  pid: number;
  status: TaskStatus;
}

export interface CreateTaskOptions {
  id: string;
  /** Holds config.json and the mounted rootfs; the monitor keeps its fifos (ctl) and notices (oom) here. */
  bundle: string;
  /** The container's name, for the monitor's logs. */
  name: string;
  /** Where the process's output goes (k8s-file lines: `<time> <stream> <F|P> <line>`). */
  logPath: string;
  /** Bytes after which the log is truncated; absent or 0: no limit. */
  logMaxSize?: number;
  /** When the process ends, a file named by `id` holding its exit code appears here. */
  exitDir: string;
  stdin: boolean;
  /** The process's stdin closes when the first attached client's input ends (docker's StdinOnce); otherwise it stays open for the next one. */
  stdinOnce?: boolean;
  tty: boolean;
}

export interface CreatedTask {
  /** The container's init process (created, not yet running its program). */
  pid: number;
  /** The monitor's pid: while it lives, the exit file is still to come. */
  monitorPid: number;
}

export interface ExecOptions {
  containerId: string;
  execId: string;
  /** The container's name, for the monitor's logs. */
  name: string;
  /** A directory of the exec's own (its process.json, the monitor's fifos, its exit file). */
  dir: string;
  process: Process;
  logPath: string;
  stdin: boolean;
  /** As for a container: stdin closes when the attached client's input ends. */
  stdinOnce?: boolean;
  tty: boolean;
}

export interface ExecProcess {
  pid: number;
  /** The exit code (rejects when the monitor ended without one). */
  exited: Promise<number>;
}

/** A process whose output comes straight to the caller (no monitor, no log file). */
export interface AttachedProcess {
  stdout: Readable;
  stderr: Readable;
  /** The exit code, null when killed by a signal; rejects when the runtime could not be run. */
  exited: Promise<number | null>;
  /** Signals the runtime's process (it passes catchable signals on to what it runs). */
  signal(sig: NodeJS.Signals): void;
}

export interface OciRuntime {
  /** Mounts a snapshot's mounts as a root filesystem at `target` (the bundle's rootfs). */
  mountRootfs(mounts: Mount[], target: string): Promise<void>;
  /** Unmounts it lazily (a process may still hold it); no error when nothing is mounted. */
  unmountRootfs(target: string): Promise<void>;

  /** Creates the container from `bundle/config.json` under its monitor; it is not started yet. */
  create(o: CreateTaskOptions): Promise<CreatedTask>;
  start(id: string): Promise<void>;
  /** `all`: every process of the container, not only its init. NotFoundError/ConflictError when it has none. */
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Host pids of the container's processes. */
  pids(id: string): Promise<number[]>;
  /** New limits for a live container (the spec's linux.resources). */
  update(id: string, resources: LinuxResources): Promise<void>;
  /** undefined: the runtime does not know the container. */
  state(id: string): Promise<TaskState | undefined>;
  /** Forgets the container and its monitor's traces (`force`: kills what still runs). Idempotent. */
  delete(id: string, force?: boolean): Promise<void>;

  /** Runs a process in a running container under a monitor (log file, stdin socket, exit code). */
  exec(o: ExecOptions): Promise<ExecProcess>;
  /** Runs argv with the container's process settings, its output piped to the caller (health probes). */
  execAttached(id: string, argv: string[]): AttachedProcess;
  /** Creates, starts and waits for a one-off container, its output piped to the caller (build steps). */
  run(id: string, bundle: string): AttachedProcess;

  /** Where the monitor of a container or exec (by its id) takes stdin (a SOCK_SEQPACKET socket). */
  attachSocket(id: string): string;
  /** Resizes the tty of the process monitored in `bundle` (a container's bundle or an exec's dir). */
  resize(bundle: string, height: number, width: number): Promise<void>;
}
