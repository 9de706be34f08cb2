// In-process de-duplication of work in flight: two pulls that need the same layer share one
// download. Every caller sees the progress of the shared run; the run is cancelled only when every
// caller has given up on it (each caller's own AbortSignal detaches just that caller).
import type { ProgressListener, ProgressMessage } from './progress-message.js';

interface Shared {
  promise: Promise<void>;
  listeners: Set<ProgressListener>;
  attached: number;
  controller: AbortController;
}

const inflight = new WeakMap<object, Map<string, Shared>>();

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');
}

/**
 * Runs `start` once per (scope, key) at a time. `joined` tells the caller whether another caller
 * had already started it (so its own post-processing may differ).
 */
export async function runShared(
  scope: object,
  key: string,
  onProgress: ProgressListener,
  signal: AbortSignal | undefined,
  start: (emit: ProgressListener, signal: AbortSignal) => Promise<void>,
): Promise<{ joined: boolean }> {
  signal?.throwIfAborted();
  let map = inflight.get(scope);
  if (!map) inflight.set(scope, (map = new Map()));
  let entry = map.get(key);
  const joined = entry !== undefined;
  if (!entry) {
    const listeners = new Set<ProgressListener>();
    const controller = new AbortController();
    const emit = (msg: ProgressMessage): void => {
      for (const l of listeners) l(msg);
    };
    const created: Shared = { promise: Promise.resolve(), listeners, attached: 0, controller };
    created.promise = (async () => start(emit, controller.signal))().finally(() => {
      if (map!.get(key) === created) map!.delete(key);
    });
    created.promise.catch(() => undefined);
    map.set(key, created);
    entry = created;
  }
  const e = entry;
  e.listeners.add(onProgress);
  e.attached++;
  let onAbort: (() => void) | undefined;
  try {
    if (!signal) {
      await e.promise;
    } else {
      await Promise.race([
        e.promise,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(abortError(signal));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    }
  } catch (err) {
    if (signal?.aborted && e.attached === 1) {
      // The last caller gave up: cancel the run and let it clean up before reporting.
      e.controller.abort(signal.reason);
      await e.promise.catch(() => undefined);
    }
    throw err;
  } finally {
    if (onAbort) signal!.removeEventListener('abort', onAbort);
    e.listeners.delete(onProgress);
    e.attached--;
  }
  return { joined };
}
