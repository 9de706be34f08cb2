// Tells a gzip, zstd or plain stream apart by its magic bytes without consuming them.
import { PassThrough, type Readable } from 'node:stream';
import type { LayerCompression } from '../oci/media-types.js';

export async function sniffCompression(body: Readable): Promise<{ compression: LayerCompression; stream: Readable }> {
  const first = await new Promise<Buffer>((resolve, reject) => {
    const onReadable = (): void => {
      const chunk = body.read() as Buffer | null;
      cleanup();
      resolve(chunk ?? Buffer.alloc(0));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.alloc(0));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      body.off('readable', onReadable);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    body.once('readable', onReadable);
    body.once('end', onEnd);
    body.once('error', onError);
  });
  let compression: LayerCompression = 'none';
  if (first[0] === 0x1f && first[1] === 0x8b) compression = 'gzip';
  else if (first.length >= 4 && first.readUInt32LE(0) === 0xfd2fb528) compression = 'zstd';
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  if (first.length > 0) out.write(first);
  body.pipe(out);
  body.on('error', (err) => out.destroy(err));
  return { compression, stream: out };
}
