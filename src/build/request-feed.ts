// A plain context tar fed from the request to the tar reader by 'data' events, with no async
// iteration between them: per chunk (the docker CLI sends 32 KiB ones) each awaited layer costs a
// promise and a turn of the microtask queue, a large share of a cached rebuild's time on the
// event loop. A compressed context (or one whose first chunk cannot tell) goes through
// contextChunks as before, which also pads the tar the same way.
import type { Readable } from 'node:stream';
import { contextChunks } from './context-chunks.js';
import type { ChunkFeed } from './context/context-tar.js';

const BLOCK = 512;

/** Compression magics contextChunks deals with (inflating gzip, refusing the others). */
function maybeCompressed(head: Buffer): boolean {
  if (head.length < 6) return true;
  return (head[0] === 0x1f && head[1] === 0x8b) || head.readUInt32LE(0) === 0xfd2fb528 || (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) || (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a);
}

export function requestFeed(req: Readable): ChunkFeed {
  return {
    destroy: () => req.destroy(),
    pipeTo(sink, stopped) {
      return new Promise<void>((resolve, reject) => {
        let size = 0;
        let stop = false;
        void stopped.then(() => (stop = true));
        const onData = (chunk: Buffer): void => {
          if (size === 0 && maybeCompressed(chunk)) {
            detach();
            req.pause();
            req.unshift(chunk);
            iterate().then(resolve, reject);
            return;
          }
          size += chunk.length;
          if (stop) return;
          if (!sink.write(chunk)) {
            req.pause();
            sink.once('drain', () => req.resume());
          }
        };
        const onEnd = (): void => {
          detach();
          // As contextChunks does: the tar padded to whole blocks and given its end blocks.
          if (!stop) {
            sink.write(Buffer.alloc(((BLOCK - (size % BLOCK)) % BLOCK) + 2 * BLOCK));
            sink.end();
          }
          resolve();
        };
        const onFail = (err?: Error): void => {
          detach();
          reject(err ?? new Error('the build context ended early'));
        };
        const onClose = (): void => {
          if (!req.readableEnded) onFail();
        };
        const detach = (): void => {
          req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
        };
        const iterate = async (): Promise<void> => {
          for await (const chunk of contextChunks(req)) {
            if (stop) return;
            if (!sink.write(chunk)) await Promise.race([new Promise<void>((r) => sink.once('drain', r)), stopped]);
          }
          if (!stop) sink.end();
        };
        req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
      });
    },
  };
}
