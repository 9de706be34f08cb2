// Moves bytes between the terminal and a hijacked attach/exec connection: stdin → socket (raw
// mode for TTYs, detach keys, half-close on EOF), socket → stdout/stderr (multiplexed frames
// unless the container has a TTY), window size to the daemon on start and SIGWINCH.
import type { Readable, Writable } from 'node:stream';
import type { Hijacked } from '../../client/api-client.js';
import { isBrokenConnection } from '../../client/connection-failure.js';
import { demuxStream } from '../../client/stream-demux.js';
import { DetachWatcher, parseDetachKeys, DEFAULT_DETACH_KEYS } from '../../detach-keys.js';

export interface AttachIO {
  stdin?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

export interface StreamOptions {
  tty: boolean;
  /** Send stdin to the container. */
  sendStdin: boolean;
  detachKeys?: string;
}

export interface StreamResult {
  /** The user typed the detach sequence. */
  detached: boolean;
}

/** Raw mode on a terminal stdin; returns the undo. */
export function setRawTerminal(stdin: AttachIO['stdin']): () => void {
  if (!stdin?.isTTY || typeof stdin.setRawMode !== 'function') return () => undefined;
  stdin.setRawMode(true);
  return () => {
    try {
      stdin.setRawMode!(false);
    } catch {
      // the terminal may be gone
    }
  };
}

/** Pumps both directions until the container's output ends (or the user detaches). */
export async function streamAttached(h: Hijacked, io: AttachIO, opts: StreamOptions): Promise<StreamResult> {
  const socket = h.socket;
  let detached = false;
  let onData: ((chunk: Buffer) => void) | undefined;
  let onEnd: (() => void) | undefined;
  let resolveDetach: (() => void) | undefined;
  const detachPromise = new Promise<void>((r) => {
    resolveDetach = r;
  });

  if (opts.sendStdin && io.stdin && h.canWrite) {
    const stdin = io.stdin;
    const watcher = new DetachWatcher(opts.tty ? parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS) : []);
    onData = (chunk: Buffer): void => {
      const { pass, detached: d } = watcher.feed(chunk);
      if (pass.length > 0) socket.write(pass);
      if (d) {
        detached = true;
        resolveDetach!();
      }
    };
    onEnd = (): void => {
      // Close our write side only: the container sees EOF on stdin, output keeps coming.
      socket.end();
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  }

  const output = (async () => {
    if (opts.tty) {
      if (h.head.length > 0) io.stdout.write(h.head);
      for await (const chunk of socket) io.stdout.write(chunk as Buffer);
    } else {
      await demuxStream(socket as AsyncIterable<Buffer>, io.stdout, io.stderr, h.head);
    }
  })().catch((err: unknown) => {
    // A reset after the container is gone, or the socket closed on our side (detach, a start that
    // failed), ends the output; it is not an error worth showing.
    if (!isBrokenConnection(err)) throw err;
  });
  // Whoever returns first, a late failure of the other must not be an unhandled rejection.
  output.catch(() => undefined);

  await Promise.race([output, detachPromise]);
  if (io.stdin) {
    if (onData) io.stdin.off('data', onData);
    if (onEnd) io.stdin.off('end', onEnd);
    io.stdin.pause();
  }
  if (detached) socket.destroy();
  return { detached };
}

/**
 * Keeps the container's TTY size in step with ours. One resize at a time, the latest size last:
 * `stty rows 40 cols 120` is two changes, and two requests in flight may land in either order.
 */
export function followTerminalSize(stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number }, resize: (h: number, w: number) => Promise<void>): () => void {
  if (!stdout.isTTY) return () => undefined;
  let sending = false;
  let again = false;
  const send = (): void => {
    const h = stdout.rows ?? 0;
    const w = stdout.columns ?? 0;
    if (h <= 0 || w <= 0) return;
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    void resize(h, w).catch(() => undefined).finally(() => {
      sending = false;
      if (again) {
        again = false;
        send();
      }
    });
  };
  send();
  stdout.on('resize', send);
  return () => {
    stdout.off('resize', send);
  };
}

const PROXIED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** --sig-proxy: signals this process receives are sent to the container. */
export function proxySignals(kill: (signal: string) => Promise<void>): () => void {
  const handlers = PROXIED_SIGNALS.map((sig) => {
    const h = (): void => {
      kill(sig).catch(() => undefined);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}
