// Streams a byte range of an open file into an HTTP response through a few reused buffers.
// A read stream allocates a fresh buffer per read: for a large blob that is hundreds of MB of
// short-lived memory to fault in and collect. Here each buffer is refilled once the socket has
// taken its bytes (the write callback), so reading the next part overlaps with sending this one.
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';

/** Size of each read (and socket write): large, so there are few of each. */
const BUFFER_BYTES = 1 << 20;
/** Buffers in flight: one being sent while the next is read. */
const BUFFERS = 3;

/**
 * Sends bytes `start`..`end` (inclusive) of `fh` as the body of `res` (headers already written),
 * then ends the response and closes `fh`. Rejects if the file ends early or the client goes away.
 */
export async function sendFileRange(fh: FileHandle, start: number, end: number, res: ServerResponse): Promise<void> {
  const total = end - start + 1;
  const free: Buffer[] = [];
  let allocated = 0;
  let waitingForBuffer: (() => void) | undefined;
  let failure: Error | undefined;
  const onClose = () => {
    if (!res.writableFinished) failure ??= new Error('client closed the connection');
    waitingForBuffer?.();
  };
  res.once('close', onClose);
  try {
    let pos = start;
    while (pos <= end) {
      if (failure) throw failure;
      let buf = free.pop();
      if (!buf) {
        if (allocated < BUFFERS) {
          buf = Buffer.allocUnsafeSlow(Math.min(BUFFER_BYTES, total));
          allocated++;
        } else {
          await new Promise<void>((r) => (waitingForBuffer = r));
          waitingForBuffer = undefined;
          continue;
        }
      }
      const want = Math.min(buf.length, end - pos + 1);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw new Error('blob file is shorter than its recorded size');
      pos += bytesRead;
      if (failure) throw failure;
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      // No wait for 'drain': the buffers only come back through write callbacks, which bounds
      // what is queued on the socket to BUFFERS × BUFFER_BYTES while reads keep ahead of it.
      res.write(chunk, (err) => {
        if (err) failure ??= err;
        free.push(buf);
        const w = waitingForBuffer;
        waitingForBuffer = undefined;
        w?.();
      });
    }
    if (failure) throw failure;
    res.end();
    await finished(res);
  } finally {
    res.off('close', onClose);
    await fh.close();
  }
}
