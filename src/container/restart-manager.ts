// Applies restart policies: after a container's process ends (unless the user stopped it) and when
// berthd starts. Back-off per container as docker's restart manager does; RestartCount counts the
// policy's restarts and goes back to 0 when the user starts the container.
import { errorMessage } from '../errors.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerHooks, ContainerService } from './container-service.js';
import { RestartBackoff, policyWantsRestart } from './restart-policy.js';

export class RestartManager implements ContainerHooks {
  private readonly backoffs = new Map<string, RestartBackoff>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Containers being started by the policy (so `started` can tell them from a user's start). */
  private readonly policyStarts = new Set<string>();
  private closed = false;

  constructor(private readonly containers: ContainerService, private readonly log: (msg: string) => void = () => undefined) {
    containers.hooks.push(this);
  }

  started(c: ContainerRecord): void {
    if (this.policyStarts.has(c.id)) return;
    // The user started it: docker resets the count and the back-off.
    this.cancel(c.id);
    this.backoffs.delete(c.id);
    if (c.restartCount !== 0) {
      c.restartCount = 0;
      this.containers.store.update(c);
    }
  }

  exited(c: ContainerRecord): 'restart' | void {
    if (this.closed || c.manuallyStopped) return;
    const policy = c.hostConfig.RestartPolicy;
    if (!policyWantsRestart(policy, { exitCode: c.state.ExitCode, manuallyStopped: false, restartCount: c.restartCount })) {
      this.backoffs.delete(c.id);
      return;
    }
    let backoff = this.backoffs.get(c.id);
    if (!backoff) this.backoffs.set(c.id, (backoff = new RestartBackoff()));
    const ran = Date.parse(c.state.FinishedAt) - Date.parse(c.state.StartedAt);
    const delay = backoff.next(Number.isFinite(ran) ? ran : 0);
    c.restartCount += 1;
    this.schedule(c.id, delay);
    return 'restart';
  }

  removed(c: ContainerRecord): void {
    this.cancel(c.id);
    this.backoffs.delete(c.id);
  }

  /**
   * Before the container service recovers: a 'restarting' record has no process (its restart
   * timer died with the previous berthd), so it is an exited container for the start-up pass.
   */
  prepareRecovery(): void {
    for (const c of this.containers.store.list()) {
      if (c.state.Status === 'restarting' && !c.state.ConmonPid) {
        c.state.Status = 'exited';
        this.containers.store.update(c);
      }
    }
  }

  /**
   * After berthd starts: containers whose policy asks for it run again — `always` ones, even
   * those stopped by hand (as docker's daemon does), `unless-stopped` ones not stopped by hand,
   * `on-failure` ones that failed and have retries left.
   */
  async startOnDaemonStart(): Promise<void> {
    for (const c of this.containers.store.list()) {
      if (c.state.Status !== 'exited' || !c.hasBeenStarted) continue;
      const want = policyWantsRestart(c.hostConfig.RestartPolicy, {
        exitCode: c.state.ExitCode,
        manuallyStopped: Boolean(c.manuallyStopped),
        restartCount: c.restartCount,
      });
      if (!want) continue;
      await this.startByPolicy(c.id, false);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(id: string, delayMs: number): void {
    this.cancel(id);
    const t = setTimeout(() => {
      this.timers.delete(id);
      void this.startByPolicy(id, true);
    }, delayMs);
    t.unref();
    this.timers.set(id, t);
  }

  private cancel(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  private async startByPolicy(id: string, afterExit: boolean): Promise<void> {
    if (this.closed) return;
    const c = this.containers.store.get(id);
    // Stopped, removed or started by the user while the back-off ran: nothing to do.
    if (!c || c.manuallyStopped && afterExit) return;
    if (afterExit ? c.state.Status !== 'restarting' : c.state.Status !== 'exited') return;
    this.policyStarts.add(id);
    try {
      await this.containers.start(id);
      this.containers.emit(this.containers.store.get(id) ?? c, 'restart');
    } catch (err) {
      this.log(`restart of container ${id.slice(0, 12)} failed: ${errorMessage(err)}`);
      const cur = this.containers.store.get(id);
      if (cur && cur.state.Status === 'restarting') {
        cur.state.Status = 'exited';
        this.containers.store.update(cur);
      }
    } finally {
      this.policyStarts.delete(id);
    }
  }
}
