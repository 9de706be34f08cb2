// A warm worker's streams for one command, made from the launcher's descriptors as Node makes a
// process's own: a terminal gets a tty stream, a pipe or socket a net.Socket, a file or device
// synchronous writes. Each stream owns a copy of its descriptor; the received ones are closed
// once the command is over, so nothing of one command reaches the next.
import { closeSync, createReadStream, fstatSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { Writable, type Readable } from 'node:stream';
import { ReadStream, WriteStream, isatty } from 'node:tty';

type Out = Writable & { isTTY?: boolean; columns?: number; rows?: number };
type In = Readable & { isTTY?: boolean; fd?: number };

export interface JobStdio {
  readonly io: { readonly stdin: In; readonly stdout: Out; readonly stderr: Out };
  /** Whether the command opened stdin (its stream may hold unread input: the worker is not reused). */
  stdinUsed(): boolean;
  /** The first error of a stream, if any. */
  writeError(): NodeJS.ErrnoException | undefined;
  /** A terminal's size may have changed (SIGWINCH): re-read it and tell the command. */
  refreshSize(): void;
  /** Resolves once everything written has reached the descriptors. */
  flush(): Promise<void>;
  /** Destroys the streams and closes the descriptors; resolves once the streams have closed. */
  close(): Promise<void>;
}

function syncFileWriter(fd: number): Out {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      try {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

/**
 * `onBrokenPipe` is called at the first EPIPE on stdout or stderr: the reader went away, and a CLI
 * of its own dies of SIGPIPE there and then (docker's does), whatever the command was doing.
 */
export function makeJobStdio(fds: readonly number[], dup: (fd: number) => number, onBrokenPipe: () => void = () => undefined): JobStdio {
  const [inFd, outFd, errFd] = fds as [number, number, number];
  const streams: Array<Readable | Writable> = [];
  let firstError: NodeJS.ErrnoException | undefined;
  const own = <S extends Readable | Writable>(s: S, output = false): S => {
    streams.push(s);
    s.on('error', (err: NodeJS.ErrnoException) => {
      firstError ??= err;
      if (output && err.code === 'EPIPE') onBrokenPipe();
    });
    return s;
  };
  const writable = (fd: number): Out => {
    if (isatty(fd)) return own(new WriteStream(dup(fd)), true);
    const st = fstatSync(fd);
    if (st.isFIFO() || st.isSocket()) return own(new Socket({ fd: dup(fd), readable: false, writable: true }), true);
    return own(syncFileWriter(fd), true);
  };
  const readable = (fd: number): In => {
    if (isatty(fd)) return own(new ReadStream(dup(fd)));
    const st = fstatSync(fd);
    // manualStart: like process.stdin, nothing is read before the command asks.
    if (st.isFIFO() || st.isSocket()) return own(new Socket({ fd: dup(fd), readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]));
    return own(createReadStream('', { fd: dup(fd) }));
  };
  const stdout = writable(outFd);
  const stderr = errFd === outFd ? stdout : writable(errFd);
  let stdin: In | undefined;
  return {
    io: {
      get stdin() {
        stdin ??= readable(inFd);
        return stdin;
      },
      stdout,
      stderr,
    },
    stdinUsed: () => stdin !== undefined,
    writeError: () => firstError,
    refreshSize() {
      // getWindowSize() answers the size last read; _refreshSize() asks the terminal and emits
      // 'resize' on a change, as Node does for process.stdout on SIGWINCH.
      for (const s of new Set([stdout, stderr])) {
        if (s instanceof WriteStream) (s as WriteStream & { _refreshSize(): void })._refreshSize();
      }
    },
    async flush() {
      const pending = [stdout, stderr].filter((s, i, all) => all.indexOf(s) === i && !s.destroyed && s.writable);
      await Promise.all(pending.map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
      // A failed write calls back first and emits 'error' a tick later: let it land (a broken pipe
      // must still end the command as SIGPIPE).
      await new Promise((resolve) => setImmediate(resolve));
    },
    close() {
      const closed = streams.map((s) => (s.closed ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve()))));
      for (const s of streams) s.destroy();
      for (const fd of new Set(fds)) {
        try {
          closeSync(fd);
        } catch {
          // already gone
        }
      }
      return Promise.all(closed).then(() => undefined);
    },
  };
}
