// The start handshake of runc (and crun): a created container's init waits, blocked, to open
// `<state dir>/exec.fifo` for writing; whoever opens it for reading and takes its byte lets the
// init exec the program, and removing the fifo marks the container running. That is all
// `runc start` does; doing it here saves a runtime process (~10–15 ms) on every start.
import { constants, open } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { processAlive } from '../sys/process-alive.js';
import { RuntimeError } from './oci-runtime.js';

/** How often the wait checks that the init still lives (runc's own start checks as often). */
const INIT_CHECK_MS = 100;

/**
 * Starts the container whose exec fifo is `fifo` and whose init is `initPid`. Resolves once the
 * init has taken the start (it execs the program next); false when there is no fifo (an unknown
 * runtime layout, or a container no longer created: the caller asks the runtime instead).
 */
export async function startThroughExecFifo(fifo: string, initPid: number): Promise<boolean> {
  let fd: number;
  try {
    // Non-blocking: the open returns at once; the init's blocked open for writing then completes.
    // A plain fd, not a FileHandle: the stream below owns and closes it.
    fd = await promisify(open)(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  const stream = new Socket({ fd, readable: true, writable: false });
  try {
    await new Promise<void>((resolve, reject) => {
      let got = false;
      const check = setInterval(() => {
        if (!got && !processAlive(initPid)) done(new RuntimeError('container process is already dead'));
      }, INIT_CHECK_MS);
      const done = (err?: Error): void => {
        clearInterval(check);
        if (err) reject(err);
        else resolve();
      };
      stream.on('data', () => {
        got = true;
      });
      // The write end closes when the init execs (it holds the fifo close-on-exec), or dies.
      stream.once('end', () => done(got ? undefined : new RuntimeError('cannot start an already running container')));
      stream.once('error', (err) => done(new RuntimeError(`reading the exec fifo: ${err.message}`)));
    });
  } finally {
    stream.destroy();
  }
  await unlink(fifo).catch(() => undefined);
  return true;
}
