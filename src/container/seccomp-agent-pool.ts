// Spare seccomp agents, started ahead so a container's start does not wait for one to come up (a
// process spawn, ~5–20 ms on a busy machine, on the start's waiting path). A spare listens on a
// socket of its own; taking it moves (renames) that socket to the container's path, which the
// listening socket follows. An agent nobody connects to exits after two minutes by itself, so
// spares older than MAX_AGE_MS are replaced and a crashed berthd leaves none for long.
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SeccompAgent, agentPidFile, adoptSeccompAgent, startSeccompAgent, stopAgentAt } from './seccomp-agent.js';

const MAX_AGE_MS = 90_000;
/** A taken spare is replaced this long after (a spawn then stays off the start that took it). */
const REFILL_DELAY_MS = 150;

interface Spare {
  started: Promise<SeccompAgent | undefined>;
  born: number;
}

export class SeccompAgentPool {
  private readonly spares: Spare[] = [];
  private timer?: NodeJS.Timeout;
  private closed = false;

  /** `size` spares under `<execRoot>/seccomp`; 0 keeps none (every agent started on demand). */
  constructor(private readonly execRoot: string, private readonly size = 2) {}

  /**
   * An agent listening at socketPath: a spare moved there when one is up, else undefined (the
   * caller starts one itself). The pool is topped up in the background either way.
   */
  async take(socketPath: string): Promise<SeccompAgent | undefined> {
    this.dropStale();
    const spare = this.spares.shift();
    setTimeout(() => this.refill(), REFILL_DELAY_MS).unref();
    const agent = spare && (await spare.started);
    if (!agent) return undefined;
    try {
      await rename(agent.socketPath, socketPath);
    } catch {
      agent.kill();
      return undefined;
    }
    await rm(agentPidFile(agent.socketPath), { force: true });
    const moved = adoptSeccompAgent(agent.pid, socketPath, agent.socketPath);
    await writeFile(agentPidFile(socketPath), moved.pidFileText);
    return moved.agent;
  }

  /** Starts spares up to the pool's size, and keeps them fresh while the daemon runs. */
  refill(): void {
    if (this.closed || this.size <= 0) return;
    while (this.spares.length < this.size) {
      const socketPath = join(this.execRoot, 'seccomp', `spare-${randomBytes(6).toString('hex')}.sock`);
      const started = startSeccompAgent(socketPath).catch(() => undefined);
      this.spares.push({ started, born: Date.now() });
    }
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.dropStale();
        this.refill();
      }, MAX_AGE_MS / 3);
      this.timer.unref();
    }
  }

  /** Ends the spares a previous berthd left behind (killed before it could end them). */
  async removeLeftovers(): Promise<void> {
    const dir = join(this.execRoot, 'seccomp');
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      if (/^spare-[0-9a-f]+\.pid$/.test(f)) await stopAgentAt(join(dir, f.replace(/\.pid$/, '.sock')));
    }
  }

  /** Ends every spare (daemon shutdown). */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.spares.splice(0)) void s.started.then((a) => a?.kill());
  }

  private dropStale(): void {
    const now = Date.now();
    for (let i = this.spares.length - 1; i >= 0; i--) {
      if (now - this.spares[i]!.born < MAX_AGE_MS) continue;
      const [old] = this.spares.splice(i, 1);
      void old!.started.then((a) => a?.kill());
    }
  }
}
