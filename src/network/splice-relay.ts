// Relaying a TCP connection pair in the kernel: splice(2) on a thread of the project's native addon
// (native/splice_relay.c). The bytes never enter JS and the event loop is not involved while they
// flow; where the addon (or a descriptor) is unavailable, callers fall back to stream piping.
import type net from 'node:net';
import { addonPart } from '../sys/native-addon.js';

interface SpliceAddon {
  spliceRelay(fdA: number, fdB: number, done: (errno: number, aToB: number, bToA: number) => void, pipeSize?: number): object;
  spliceRelayCancel(handle: object): void;
}

let addon: SpliceAddon | null | undefined;
function spliceAddon(): SpliceAddon | null {
  if (addon === undefined) addon = addonPart<SpliceAddon>(['spliceRelay', 'spliceRelayCancel']);
  return addon;
}

/** True when the native relay can be used (the addon is built with it). */
export function spliceRelayAvailable(): boolean {
  return spliceAddon() !== null;
}

export interface RelayEnd {
  /** 0 when both directions ended with EOF; else the errno (positive) that ended the relay. */
  errno: number;
  aToB: number;
  bToA: number;
}

export interface SpliceRelay {
  /** Ends the relay early; `done` then resolves with ECANCELED (unless it had already ended). */
  cancel(): void;
  readonly done: Promise<RelayEnd>;
}

function socketFd(s: net.Socket): number {
  const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/**
 * Relays between two connected sockets in the kernel, half-close included, or returns null when it
 * cannot (no addon, no descriptor, no thread). Neither socket may be read or written by JS meanwhile:
 * pass them paused (server `pauseOnConnect`, `pause()` before connect). The sockets stay the caller's
 * to destroy — once `done` settles, or at any time (the relay works on duplicated descriptors).
 */
export function startSpliceRelay(a: net.Socket, b: net.Socket): SpliceRelay | null {
  const native = spliceAddon();
  const fa = socketFd(a);
  const fb = socketFd(b);
  if (!native || fa < 0 || fb < 0) return null;
  let resolve!: (end: RelayEnd) => void;
  const done = new Promise<RelayEnd>((r) => (resolve = r));
  let handle: object;
  try {
    handle = native.spliceRelay(fa, fb, (errno, aToB, bToA) => resolve({ errno, aToB, bToA }));
  } catch {
    return null;
  }
  return { cancel: () => native.spliceRelayCancel(handle), done };
}
