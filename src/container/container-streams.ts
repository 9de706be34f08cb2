// A container's output and input: attach (output followed from the log, stdin to the monitor's
// socket, detach keys on a tty), logs, and tty resize.
import type { Readable } from 'node:stream';
import { ConflictError } from '../errors.js';
import type { ContainerCore } from './container-core.js';
import { detachKeysOf, watchDetachKeys } from './detach-input.js';
import { type LogEntry, logSize, readLogs } from './log-file.js';
import { bridgeStdin } from './stdin-bridge.js';

export interface AttachRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs?: boolean;
  stream?: boolean;
  /** docker's notation; empty: ctrl-p,ctrl-q. Watched for only when the container has a tty. */
  detachKeys?: string;
}

/** An attach that was accepted: its framing, and the streams once the client is connected. */
export interface AttachSession {
  tty: boolean;
  /**
   * The output to send while `stdin` (the client's bytes after the upgrade) goes to the container.
   * It ends when the run ends, the client goes (`signal`) or detaches (tty: the detach sequence),
   * or, as in dockerd, stdin ends — except for a StdinOnce container without a tty, whose stdin is
   * closed instead while its output keeps flowing.
   */
  output(stdin: Readable, signal: AbortSignal): AsyncGenerator<LogEntry>;
}

/** docker's attach; throws before anything is sent for an unknown container or bad detach keys. */
export function attach(core: ContainerCore, idOrName: string, o: AttachRequest): AttachSession {
  const keys = detachKeysOf(o.detachKeys, 'detach');
  const c = core.store.resolve(idOrName);
  const tty = Boolean(c.config.Tty);
  return {
    tty,
    output: (stdin, signal) => {
      core.emit(c, 'attach');
      const end = new AbortController();
      signal.addEventListener('abort', () => end.abort(), { once: true });
      // Where the output starts is fixed before any stdin reaches the container: no echo is missed.
      const fresh = o.logs || !o.stream ? undefined : core.freshRunOffset(c.id);
      const from = o.logs ? Promise.resolve(0) : fresh !== undefined ? Promise.resolve(fresh) : logSize(c.logPath);
      if (o.stdin && c.config.OpenStdin) {
        const watched = watchDetachKeys(stdin, tty ? keys : []);
        void from.then(() => attachStdin(core, c.id, watched.input)).catch(() => undefined);
        void watched.detached.then((detached) => {
          if (detached) core.emit(core.store.get(c.id) ?? c, 'detach');
          else if (c.config.StdinOnce && !tty) return;
          end.abort();
        });
      } else stdin.resume();
      return attachOutput(core, c.id, { stdout: o.stdout, stderr: o.stderr, from, ...(fresh !== undefined ? { freshRun: true } : {}), ...(o.logs ? { logs: true } : {}), ...(o.stream ? { stream: true } : {}), signal: end.signal });
    },
  };
}

/**
 * Output for attach: from the current end of the log (or its start, before the first start)
 * until the container's run ends.
 */
async function* attachOutput(core: ContainerCore, idOrName: string, o: { stdout: boolean; stderr: boolean; from: Promise<number>; freshRun?: boolean; logs?: boolean; stream?: boolean; signal?: AbortSignal }): AsyncGenerator<LogEntry> {
  const c = core.store.resolve(idOrName);
  const from = await o.from;
  if (!o.stream) {
    if (o.logs) yield* readLogs(c.logPath, { stdout: o.stdout, stderr: o.stderr });
    return;
  }
  // A run that began a moment ago and has already ended: what it wrote, then the end.
  if (o.freshRun && core.store.get(c.id)?.state.Status === 'exited') {
    yield* readLogs(c.logPath, { stdout: o.stdout, stderr: o.stderr, fromOffset: from });
    return;
  }
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  let sawRunning = c.state.Status === 'running' || c.state.Status === 'paused';
  const onStarted = (): void => {
    sawRunning = true;
  };
  const onExit = (): void => {
    if (sawRunning) stop.abort();
  };
  core.bus.on(`started:${c.id}`, onStarted);
  core.bus.on(`exit:${c.id}`, onExit);
  core.bus.once(`removed:${c.id}`, onAbort);
  // A container that is already stopped and not about to start: return what logs were asked.
  const cur = core.store.get(c.id);
  if (cur && cur.state.Status === 'exited' && !o.logs) {
    // docker attaches and waits for a start; keep following until the next run ends.
  }
  try {
    yield* readLogs(c.logPath, { stdout: o.stdout, stderr: o.stderr, fromOffset: from, follow: true, signal: stop.signal });
  } finally {
    core.bus.off(`started:${c.id}`, onStarted);
    core.bus.off(`exit:${c.id}`, onExit);
    core.bus.off(`removed:${c.id}`, onAbort);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Sends the client's stdin to the container (waits for it to be running). */
async function attachStdin(core: ContainerCore, idOrName: string, input: Readable): Promise<void> {
  const c = core.store.resolve(idOrName);
  if (!c.config.OpenStdin) {
    input.resume();
    return;
  }
  if (core.store.get(c.id)?.state.Status !== 'running') {
    input.pause();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        core.bus.off(`started:${c.id}`, done);
        core.bus.off(`removed:${c.id}`, done);
        resolve();
      };
      core.bus.on(`started:${c.id}`, done);
      core.bus.on(`removed:${c.id}`, done);
    });
    if (core.store.get(c.id)?.state.Status !== 'running') return;
  }
  const bridge = bridgeStdin(core.deps.runtime.attachSocket(c.id), input);
  const onExit = (): void => bridge.close();
  core.bus.once(`exit:${c.id}`, onExit);
  await bridge.done;
  core.bus.off(`exit:${c.id}`, onExit);
}

export async function* followLogs(
  core: ContainerCore,
  idOrName: string,
  o: { stdout: boolean; stderr: boolean; follow: boolean; tail?: number; sinceNano?: bigint; untilNano?: bigint; signal?: AbortSignal },
): AsyncGenerator<LogEntry> {
  const c = core.store.resolve(idOrName);
  const follow = o.follow && (c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting');
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  o.signal?.addEventListener('abort', onStop);
  core.bus.once(`exit:${c.id}`, onStop);
  try {
    yield* readLogs(c.logPath, {
      stdout: o.stdout,
      stderr: o.stderr,
      ...(o.tail !== undefined ? { tail: o.tail } : {}),
      ...(o.sinceNano !== undefined ? { sinceNano: o.sinceNano } : {}),
      ...(o.untilNano !== undefined ? { untilNano: o.untilNano } : {}),
      follow,
      signal: stop.signal,
    });
  } finally {
    o.signal?.removeEventListener('abort', onStop);
    core.bus.off(`exit:${c.id}`, onStop);
  }
}

/** Resizes the container's tty through its monitor. */
export async function resize(core: ContainerCore, idOrName: string, h: number, w: number): Promise<void> {
  const c = core.store.resolve(idOrName);
  if (c.state.Status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
  await core.deps.runtime.resize(core.deps.paths.bundle(c.id), h, w);
}
