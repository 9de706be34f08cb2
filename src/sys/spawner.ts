// berthd's spawner (issue #13): a small helper process (spawner-main.cts) that runs one-shot
// commands for berthd. Node forks a child on its main thread, and the fork's cost grows with the
// forking process's memory (page tables: ~0.8 ms at 44 MiB RSS, ~8 ms at 245 MiB), so every
// runc, CNI plugin or iptables call berthd forked itself stalled the requests in flight; the
// spawner's forks cost a ~40 MiB process's and happen on its own thread. One per berthd: started
// at start-up, restarted when it dies; until it is ready, and while it is gone, exec-program.ts
// runs commands in berthd as before.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProgramHere, type ProgramOutcome, type ProgramRequest } from './program-run.cjs';

const MAIN = fileURLToPath(new URL('./spawner-main.cjs', import.meta.url));
/** A spawner that died is started again after this long (a crash loop then costs little). */
const RESTART_DELAY_MS = 1000;
/** stop() lets commands in flight finish for this long before it closes the channel. */
const STOP_GRACE_MS = 5000;
/** …and waits this long for it to exit (it first finishes what it runs). */
const STOP_EXIT_WAIT_MS = 1000;

type Reply = { ready: true } | { id: number; outcome: ProgramOutcome };

interface Pending {
  file: string;
  resolve: (outcome: ProgramOutcome) => void;
}

export interface SpawnerOptions {
  log?: (line: string) => void;
  restartDelayMs?: number;
}

export class Spawner {
  private child: ChildProcess | undefined;
  private ready = false;
  private stopped = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly opts: SpawnerOptions = {}) {}

  /** The helper's pid while it runs (tests, diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True once the helper answers; commands go to it from then on. */
  get serving(): boolean {
    return this.ready && this.child?.connected === true;
  }

  start(): void {
    if (this.stopped || this.child) return;
    const child = spawn(process.execPath, [MAIN], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    this.child = child;
    this.refWhilePending();
    child.on('message', (msg: Reply) => {
      if ('ready' in msg) {
        this.ready = true;
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      this.refWhilePending();
      p.resolve(msg.outcome);
    });
    child.once('exit', (code, signal) => this.ended(child, `exited (${signal ?? code})`));
    child.once('error', (err) => this.ended(child, `failed: ${err.message}`));
  }

  /**
   * Runs `req` in the helper and resolves to its outcome; undefined when the helper is not serving
   * (the caller runs the command itself).
   */
  run(req: ProgramRequest): Promise<ProgramOutcome> | undefined {
    const child = this.child;
    if (!this.serving || !child) return undefined;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { file: req.file, resolve });
      this.refWhilePending();
      child.send({ id, req }, (err) => {
        if (!err || !this.pending.delete(id)) return;
        // Never reached the helper: the command has not run, so running it here is safe.
        this.refWhilePending();
        resolve(runProgramHere(req));
      });
    });
  }

  /** Stops sending commands, lets those in flight finish (a few seconds at most), and ends the helper. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.failPending('stopped');
    child.ref();
    // Its channel closing is what ends the helper (it ignores the signals meant for berthd), once
    // the commands it runs have ended: a long one is not waited for.
    if (child.connected) child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_EXIT_WAIT_MS).unref())]);
    child.unref();
  }

  /** The helper keeps this process alive only while a command awaits it (its reply, or its exit). */
  private refWhilePending(): void {
    const busy = this.pending.size > 0;
    for (const h of [this.child, this.child?.channel]) {
      if (busy) h?.ref();
      else h?.unref();
    }
  }

  /** Whether these ran is unknown (the helper's command may still be running): they fail, not run again. */
  private failPending(how: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ stdout: '', stderr: '', error: { message: `spawner ${how} while ${p.file} ran` } });
    }
    this.refWhilePending();
  }

  private ended(child: ChildProcess, how: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = false;
    this.failPending(how);
    if (this.stopped) return;
    this.opts.log?.(`spawner ${how}; commands run in berthd until it is back`);
    setTimeout(() => this.start(), this.opts.restartDelayMs ?? RESTART_DELAY_MS).unref();
  }
}

let current: Spawner | undefined;

/** Starts this process's spawner (berthd's start-up); exec-program.ts sends commands to it. */
export function startSpawner(opts: SpawnerOptions = {}): Spawner {
  current ??= new Spawner(opts);
  current.start();
  return current;
}

/** Ends this process's spawner; commands run in-process afterwards. */
export async function stopSpawner(): Promise<void> {
  const s = current;
  current = undefined;
  await s?.stop();
}

/** The spawner commands go to, when this process started one. */
export function currentSpawner(): Spawner | undefined {
  return current;
}
