// Docker's health-check rules, apart from the monitor that runs them: defaults, the merge of a
// container's HEALTHCHECK with its image's, the settings in milliseconds, the next State.Health
// after a probe, and berth's --health-on-failure values (create validates with them).
import type { ApiConfig, HealthState } from './container-record.js';
import type { ProbeResult } from './health-probe.js';

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
