// The OCI runtime binary (runc by default), driven through its CLI: the internals of
// conmon-runtime.ts (nothing outside src/runtime/ calls it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { NotFoundError, ConflictError } from '../errors.js';
import { type ExecProgramError, execProgram } from '../sys/exec-program.js';
import { startThroughExecFifo } from './exec-fifo.js';
import { type AttachedProcess, RuntimeError, type TaskState } from './oci-runtime.js';

export interface RuncOptions {
  /** The runtime binary: `runc`, `crun`, or a path. */
  binary: string;
  /** `--root`: where the runtime keeps its state for our containers. */
  root: string;
}

export interface RuncState extends TaskState {
  bundle: string;
}

export class Runc {
  constructor(readonly opts: RuncOptions) {}

  /** Global args every call takes. */
  globalArgs(): string[] {
    return [`--root=${this.opts.root}`];
  }

  private async run(args: string[], input?: string): Promise<string> {
    try {
      const { stdout } = await execProgram(this.opts.binary, [...this.globalArgs(), ...args], { maxBuffer: 16 << 20, input });
      return stdout;
    } catch (err) {
      const e = err as ExecProgramError;
      const msg = (e.stderr || e.message).trim();
      if (/does not exist|not found/i.test(msg)) throw new NotFoundError(msg);
      if (/not running|is paused|is not paused|cannot (kill|pause)/i.test(msg)) throw new ConflictError(msg);
      throw new RuntimeError(msg);
    }
  }

  /** With the created init's pid, through the exec fifo (no runtime process); else `runc start`. */
  async start(id: string, initPid?: number): Promise<void> {
    if (initPid !== undefined && (await startThroughExecFifo(join(this.opts.root, id, 'exec.fifo'), initPid))) return;
    await this.run(['start', id]);
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, force = false): Promise<void> {
    try {
      await this.run(['delete', ...(force ? ['--force'] : []), id]);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  async state(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await this.run(['state', id])) as RuncState;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async pause(id: string): Promise<void> {
    await this.run(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id]);
  }

  /** `runc ps`: host pids of the container's processes. */
  async pids(id: string): Promise<number[]> {
    return JSON.parse(await this.run(['ps', '--format', 'json', id])) as number[];
  }

  /** `runc update` with a resources JSON (linux.resources of the spec). */
  async update(id: string, resources: object): Promise<void> {
    await this.run(['update', '--resources', '-', id], JSON.stringify(resources));
  }

  /** Runs the runtime with `args` in the foreground, stdout and stderr piped to the caller. */
  spawnAttached(args: string[]): AttachedProcess {
    const child = spawn(this.opts.binary, [...this.globalArgs(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    exited.catch(() => undefined);
    return { stdout: child.stdout, stderr: child.stderr, exited, signal: (sig) => void child.kill(sig) };
  }
}
