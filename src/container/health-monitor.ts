// Health checks: for every running container with a HEALTHCHECK, probes at the configured interval
// and keeps State.Health (starting → healthy/unhealthy, FailingStreak, the last 5 results) with
// docker's rules, emits `health_status: …` events, and applies berth's --health-on-failure.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { ApiConfig, ContainerRecord, HealthState } from './container-record.js';
import type { ContainerHooks, ContainerService } from './container-service.js';
import { type ProbeResult, runHealthProbe } from './health-probe.js';

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_START_INTERVAL_MS = 5_000;
const DEFAULT_RETRIES = 3;
/** docker keeps this many probe results in State.Health.Log. */
export const HEALTH_LOG_MAX = 5;

export type HealthOnFailure = 'none' | 'kill' | 'restart' | 'stop';
export const HEALTH_ON_FAILURE_ACTIONS: readonly HealthOnFailure[] = ['none', 'kill', 'restart', 'stop'];

/** An error message for a HostConfig.HealthOnFailure berth does not know, else undefined. */
export function validateHealthOnFailure(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return (HEALTH_ON_FAILURE_ACTIONS as readonly unknown[]).includes(v) ? undefined : `invalid HealthOnFailure "${String(v)}": must be one of none, kill, restart, stop`;
}

export interface HealthSettings {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** The command and timings of a container's health check, or undefined when it has none. */
export function healthSettings(config: ApiConfig): HealthSettings | undefined {
  const hc = config.Healthcheck;
  const test = hc?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  let cmd: string[];
  if (test[0] === 'CMD') cmd = test.slice(1);
  else if (test[0] === 'CMD-SHELL') cmd = ['/bin/sh', '-c', test.slice(1).join(' ')];
  else cmd = test; // an old-style list without a keyword
  if (cmd.length === 0) return undefined;
  const ms = (ns: number | undefined, def: number): number => (ns && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : def);
  return {
    test: cmd,
    intervalMs: ms(hc?.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc?.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc?.StartPeriod, 0),
    startIntervalMs: ms(hc?.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: hc?.Retries && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
  };
}

/** docker's merge of a container's health settings over the image's: what is unset comes from the image. */
export function mergeHealthcheck(user: ApiConfig['Healthcheck'], image: ApiConfig['Healthcheck']): ApiConfig['Healthcheck'] {
  if (!user) return image;
  if (!image) return user;
  return {
    ...image,
    ...user,
    Test: user.Test && user.Test.length > 0 ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    StartInterval: user.StartInterval || image.StartInterval,
    Retries: user.Retries || image.Retries,
  } as ApiConfig['Healthcheck'];
}

/** docker's handleProbeResult: the next health state after one probe. */
export function nextHealth(prev: HealthState, r: ProbeResult, s: HealthSettings, startedAt: string): HealthState {
  const log = [...prev.Log, r].slice(-HEALTH_LOG_MAX);
  if (r.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log: log };
  // While the container starts (no success yet, inside the start period) failures do not count.
  const sinceStart = Date.parse(r.Start) - Date.parse(startedAt);
  if (prev.Status === 'starting' && sinceStart < s.startPeriodMs) return { ...prev, Log: log };
  const streak = prev.FailingStreak + 1;
  return { Status: streak >= s.retries ? 'unhealthy' : prev.Status, FailingStreak: streak, Log: log };
}

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

