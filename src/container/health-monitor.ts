// Health checks: for every running container with a HEALTHCHECK, probes at the configured interval
// and keeps State.Health (starting → healthy/unhealthy, FailingStreak, the last 5 results) with
// docker's rules, emits `health_status: …` events, and applies berth's --health-on-failure.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { ContainerRecord, HealthState } from './container-record.js';
import type { ContainerHooks, ContainerService } from './container-service.js';
import { runHealthProbe } from './health-probe.js';
import { type HealthOnFailure, type HealthSettings, healthSettings, nextHealth } from './health-policy.js';


interface Monitor {
  timer?: NodeJS.Timeout;
  /** The run this monitor belongs to (a restart makes a new one). */
  startedAt: string;
  stopped: boolean;
}

export class HealthMonitor implements ContainerHooks {
  private readonly monitors = new Map<string, Monitor>();
  /** The exec id of the probe running in each container now (docker lists it in ExecIDs). */
  private readonly probing = new Map<string, string>();

  constructor(private readonly containers: ContainerService, private readonly log: (msg: string) => void = () => undefined) {
    containers.hooks.push(this);
  }

  /** The running probe's exec id, if a probe runs in the container now. */
  probeExecIds(id: string): string[] {
    const e = this.probing.get(id);
    return e ? [e] : [];
  }

  started(c: ContainerRecord): void {
    this.stopMonitor(c.id);
    const s = healthSettings(c.config);
    if (!s) return;
    c.state.Health = { Status: 'starting', FailingStreak: 0, Log: c.state.Health?.Log ?? [] };
    this.containers.store.update(c);
    this.begin(c, s);
  }

  exited(c: ContainerRecord): void {
    this.stopMonitor(c.id);
  }

  removed(c: ContainerRecord): void {
    this.stopMonitor(c.id);
  }

  /** After berthd starts: resume checks of containers that kept running. */
  resume(): void {
    for (const c of this.containers.store.list()) {
      if (c.state.Status !== 'running' && c.state.Status !== 'paused') continue;
      const s = healthSettings(c.config);
      if (s && !this.monitors.has(c.id)) this.begin(c, s);
    }
  }

  close(): void {
    for (const id of [...this.monitors.keys()]) this.stopMonitor(id);
  }

  private begin(c: ContainerRecord, s: HealthSettings): void {
    const m: Monitor = { startedAt: c.state.StartedAt, stopped: false };
    this.monitors.set(c.id, m);
    this.scheduleNext(c.id, m, s);
  }

  private interval(id: string, m: Monitor, s: HealthSettings): number {
    if (Date.now() - Date.parse(m.startedAt) >= s.startPeriodMs) return s.intervalMs;
    return this.containers.store.get(id)?.state.Health?.Status === 'starting' ? s.startIntervalMs : s.intervalMs;
  }

  private scheduleNext(id: string, m: Monitor, s: HealthSettings): void {
    if (m.stopped) return;
    m.timer = setTimeout(() => void this.probe(id, m, s), this.interval(id, m, s));
    m.timer.unref();
  }

  private async probe(id: string, m: Monitor, s: HealthSettings): Promise<void> {
    const c = this.containers.store.get(id);
    if (!c || m.stopped) return;
    if (c.state.Status === 'paused') {
      this.scheduleNext(id, m, s);
      return;
    }
    if (c.state.Status !== 'running') return;
    // docker reports each probe as an exec of the container.
    const execID = randomBytes(32).toString('hex');
    const shown = s.test.join(' ');
    this.containers.emit(c, `exec_create: ${shown}`, { execID });
    this.containers.emit(c, `exec_start: ${shown}`, { execID });
    this.probing.set(id, execID);
    const r = await runHealthProbe(this.containers.deps.runtime, id, s.test, s.timeoutMs).finally(() => this.probing.delete(id));
    this.containers.emit(c, 'exec_die', { execID, exitCode: String(r.ExitCode) });
    // Read again: the record may have changed while the probe ran.
    const cur = this.containers.store.get(id);
    if (m.stopped || !cur || cur.state.Status !== 'running' || cur.state.StartedAt !== m.startedAt) return;
    const prev: HealthState = cur.state.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    const next = nextHealth(prev, r, s, cur.state.StartedAt);
    cur.state.Health = next;
    this.containers.store.update(cur);
    if (next.Status !== prev.Status) {
      this.containers.emit(cur, `health_status: ${next.Status}`);
      if (next.Status === 'unhealthy') {
        void this.onUnhealthy(cur);
        return; // the action decides what happens next; a new run starts a new monitor
      }
    }
    this.scheduleNext(id, m, s);
  }

  private async onUnhealthy(c: ContainerRecord): Promise<void> {
    const action = String(c.hostConfig.HealthOnFailure ?? 'none') as HealthOnFailure;
    const m = this.monitors.get(c.id);
    const s = healthSettings(c.config);
    try {
      switch (action) {
        case 'kill':
          // Not a user's kill: the restart policy still applies.
          await this.containers.deps.runtime.kill(c.id, 'KILL', true);
          return;
        case 'stop':
          await this.containers.stop(c.id);
          return;
        case 'restart':
          await this.containers.restart(c.id);
          return;
        default:
          break;
      }
    } catch (err) {
      this.log(`health-on-failure ${action} of ${c.id.slice(0, 12)} failed: ${errorMessage(err)}`);
    }
    if (m && s && !m.stopped) this.scheduleNext(c.id, m, s);
  }

  private stopMonitor(id: string): void {
    const m = this.monitors.get(id);
    if (!m) return;
    m.stopped = true;
    if (m.timer) clearTimeout(m.timer);
    this.monitors.delete(id);
  }
}

