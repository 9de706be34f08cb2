// Warm CLI workers: berthd keeps a few node processes with the CLI loaded (src/launcher/
// cli-worker.cts) and hands each connection on <exec root>/cli.sock to an idle one, so `berth`
// (native/cli_launcher.c) pays no Node start-up. The socket is the API's peer: same directory,
// same mode. berthd never reads what the launcher sends; it only passes the connection on, or
// answers "start cold" when no worker can be had.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../launcher/cli-worker.cjs', import.meta.url));
/** The launcher's "start cold" record ('F' and an int32). */
const FALLBACK = Buffer.from([0x46, 0, 0, 0, 0]);
/** A connection waits this long for a worker before the launcher is told to start cold. */
const QUEUE_TIMEOUT_MS = 3000;
/**
 * A worker busy this long counts as gone for keeping workers ready: short commands one after
 * another then run in the same warm worker and start none, a long one (`logs -f`) gets a stand-in.
 */
const BUSY_GRACE_MS = 250;
/** Workers beyond the idle target (made for a burst of commands side by side) end after this long unused. */
const IDLE_TRIM_MS = 30_000;
/** After a worker reports it cannot serve (no fresh bundle), none is started again for this long. */
const UNAVAILABLE_BACKOFF_MS = 5000;

/**
 * Tells a launcher to start cold, and closes the connection at once. berthd never reads the request:
 * the launcher's descriptors wait in this end's receive queue, and a connection left open (it is
 * paused, so it would never see the launcher hang up) would keep the caller's pipes open for good:
 * `berth ps | cat` would never end.
 */
function startCold(socket: Socket): void {
  socket.end(FALLBACK, () => socket.destroy());
}

export interface CliWorkerPoolOptions {
  socketPath: string;
  /** Idle workers kept ready (0: no pool, launchers start cold). */
  idle: number;
  /** Workers at most, busy ones included. */
  max?: number;
  /** The daemon's own API address: a new worker runs a list against it before its first command. */
  warmupHost?: string;
  log?: (line: string) => void;
}

interface Worker {
  child: ChildProcess;
  state: 'starting' | 'idle' | 'busy';
  busySince: number;
  idleSince: number;
  /** Loaded a CLI bundle that has since changed: it retires instead of taking another command. */
  stale?: boolean;
}

export class CliWorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly queue: Array<{ socket: Socket; timer: NodeJS.Timeout }> = [];
  private server: Server | undefined;
  private unavailableUntil = 0;
  private closed = false;

  constructor(private readonly opts: CliWorkerPoolOptions) {}

  async start(): Promise<void> {
    if (this.opts.idle <= 0) return;
    try {
      unlinkSync(this.opts.socketPath);
    } catch {
      // none left over
    }
    const server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.socketPath, () => resolve());
    });
    chmodSync(this.opts.socketPath, 0o660);
    this.server = server;
    this.replenish();
  }

  /** How many workers there are in each state (for tests and the bench). */
  counts(): Record<Worker['state'], number> {
    const c = { starting: 0, idle: 0, busy: 0 };
    for (const w of this.workers) c[w.state]++;
    return c;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    // The most recently used idle worker: its code is the most optimised, the others may retire.
    const idle = [...this.workers].filter((w) => w.state === 'idle' && !w.stale).sort((a, b) => b.idleSince - a.idleSince)[0];
    if (idle) {
      this.dispatch(idle, socket);
    } else if (Date.now() < this.unavailableUntil || this.closed) {
      startCold(socket);
    } else {
      const timer = setTimeout(() => {
        const i = this.queue.findIndex((q) => q.socket === socket);
        if (i >= 0) this.queue.splice(i, 1);
        startCold(socket);
      }, QUEUE_TIMEOUT_MS);
      this.queue.push({ socket, timer });
    }
    this.replenish();
  }

  private dispatch(w: Worker, socket: Socket): void {
    w.state = 'busy';
    w.busySince = Date.now();
    setTimeout(() => this.replenish(), BUSY_GRACE_MS).unref();
    // The worker gets the connection itself; this process keeps no copy.
    w.child.send('job', socket, (err) => {
      if (err) startCold(socket);
    });
  }

  /**
   * Starts a worker for each waiting connection no starting worker will take, and keeps `idle`
   * workers ready (a worker busy for less than BUSY_GRACE_MS counts as ready), within `max`.
   */
  private replenish(): void {
    if (this.closed || Date.now() < this.unavailableUntil) return;
    const max = this.opts.max ?? 16;
    const now = Date.now();
    const count = (f: (w: Worker) => boolean): number => [...this.workers].filter(f).length;
    while (this.workers.size < max && count((w) => w.state === 'starting') < this.queue.length) this.spawnWorker();
    const ready = (): number => count((w) => w.state !== 'busy' || now - w.busySince < BUSY_GRACE_MS);
    while (this.workers.size < max && ready() < this.opts.idle) this.spawnWorker();
  }

  /** Ends workers beyond the idle target that nothing used for IDLE_TRIM_MS. */
  private trim(): void {
    const idle = [...this.workers].filter((w) => w.state === 'idle').sort((a, b) => b.idleSince - a.idleSince);
    for (const w of idle.slice(this.opts.idle)) {
      if (Date.now() - w.idleSince < IDLE_TRIM_MS) continue;
      w.state = 'busy'; // taken out of the pool until it is gone
      w.child.kill('SIGTERM');
    }
  }

  private spawnWorker(): void {
    const env = { ...process.env, ...(this.opts.warmupHost ? { BERTH_CLI_WORKER_WARMUP_HOST: this.opts.warmupHost } : {}) };
    const child = spawn(process.execPath, [WORKER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json', env });
    const w: Worker = { child, state: 'starting', busySince: 0, idleSince: 0 };
    this.workers.add(w);
    child.on('message', (msg: { ready?: boolean; reason?: string; stale?: boolean }) => {
      if (msg.stale) {
        this.retireStale(w);
        return;
      }
      if (msg.ready === false) {
        this.unavailableUntil = Date.now() + UNAVAILABLE_BACKOFF_MS;
        this.opts.log?.(`berthd: CLI workers unavailable: ${msg.reason ?? 'unknown'}`);
        for (const q of this.queue.splice(0)) {
          clearTimeout(q.timer);
          startCold(q.socket);
        }
        return;
      }
      if (!msg.ready) return;
      if (w.stale) {
        child.kill('SIGTERM');
        return;
      }
      const waiting = this.queue.shift();
      if (waiting) {
        clearTimeout(waiting.timer);
        this.dispatch(w, waiting.socket);
      } else {
        w.state = 'idle';
        w.idleSince = Date.now();
        setTimeout(() => this.trim(), IDLE_TRIM_MS + 50).unref();
      }
    });
    child.on('exit', () => {
      this.workers.delete(w);
      this.replenish();
    });
    child.on('error', () => {
      this.workers.delete(w);
    });
  }

  /**
   * `reporter` found the CLI bundle changed: every worker started before it has the old one. Idle
   * ones end now, busy ones when their command is over; the workers started next load the new one.
   */
  private retireStale(reporter: Worker): void {
    for (const w of this.workers) {
      if (w === reporter || w.state === 'starting') continue;
      w.stale = true;
      if (w.state === 'idle') w.child.kill('SIGTERM');
    }
  }

  /** Stops taking commands; idle workers end now, busy ones when their command does. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) {
      clearTimeout(q.timer);
      startCold(q.socket);
    }
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    const exits: Promise<void>[] = [];
    for (const w of this.workers) {
      if (w.child.exitCode !== null || w.child.signalCode !== null) continue;
      exits.push(new Promise((resolve) => w.child.once('exit', () => resolve())));
      if (w.state === 'busy') w.child.disconnect();
      else w.child.kill('SIGTERM');
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2000))]);
    // A command still running after that would outlive the daemon it belongs to.
    for (const w of this.workers) w.child.kill('SIGKILL');
  }
}
