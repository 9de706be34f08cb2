// `GET /containers/{id}/stats`: samples once a second while streaming; a single answer otherwise,
// taken a second after a first sample (so precpu_stats gives the CPU % a meaning) unless one-shot.
import type { ContainerRecord } from './container-record.js';
import { type ContainerStats, emptyStats, readContainerStats } from './stats-sample.js';

export const STATS_INTERVAL_MS = 1000;

export interface StatsOptions {
  stream: boolean;
  oneShot: boolean;
  signal?: AbortSignal;
  intervalMs?: number;
}

/** `current()` reads the container's record afresh (it may stop or restart between samples). */
export async function* containerStats(current: () => ContainerRecord | undefined, cgroupParent: string, o: StatsOptions): AsyncGenerator<ContainerStats> {
  const interval = o.intervalMs ?? STATS_INTERVAL_MS;
  let prev: { read: string; cpu: ContainerStats['cpu_stats'] } | undefined;
  const sample = async (): Promise<ContainerStats | undefined> => {
    const c = current();
    if (!c) return undefined;
    if (c.state.Status !== 'running' && c.state.Status !== 'paused') {
      prev = undefined;
      return emptyStats(c);
    }
    const s = await readContainerStats(c, cgroupParent, prev);
    prev = { read: s.read, cpu: s.cpu_stats };
    return s;
  };
  if (!o.stream) {
    let s = await sample();
    if (!s) return;
    // A stopped container's zeros need no second sample.
    if (!o.oneShot && prev !== undefined) {
      if (!(await sleep(interval, o.signal))) return;
      s = (await sample()) ?? s;
    }
    yield s;
    return;
  }
  for (;;) {
    const s = await sample();
    if (!s) return;
    yield s;
    if (!(await sleep(interval, o.signal))) return;
  }
}

/** false when aborted. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
