// A layer's compressed bytes → its tar stream: gzip through zlib, zstd through fzstd (pure JS;
// Node 20's zlib has no zstd), uncompressed passed through. Bad compressed data is the sender's
// fault: it surfaces as InvalidArgumentError (a 400), not as zlib's or fzstd's own errors.
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { BerthError, InvalidArgumentError, errorMessage } from '../../errors.js';
import type { LayerCompression } from '../../oci/media-types.js';
import { limitExpansion } from './expansion-limit.js';

class ZstdDecompress extends Transform {
  private readonly z: Decompress;
  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
    this.z = new Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.z.push(chunk);
      cb();
    } catch (err) {
      cb(dataError('zstd', err));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.z.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(dataError('zstd', err));
    }
  }
}

function dataError(what: string, err: unknown): Error {
  return err instanceof BerthError ? err : new InvalidArgumentError(`invalid ${what} data: ${errorMessage(err)}`);
}

/** zlib reports bad input with Z_* codes (Z_DATA_ERROR, Z_BUF_ERROR for a cut stream): typed here. */
function gunzip(): Transform {
  const z = createGunzip({ chunkSize: 256 * 1024 });
  const destroy = z._destroy.bind(z);
  z._destroy = (err, cb) => destroy(err, (e) => cb(e && String((e as NodeJS.ErrnoException).code).startsWith('Z_') ? dataError('gzip', e) : e));
  return z;
}

/** The decompressor for `c`, its output capped against bombs (`expansion-limit.ts`). */
export function createDecompressor(c: LayerCompression): Transform {
  switch (c) {
    case 'gzip':
      return limitExpansion(gunzip());
    case 'zstd':
      return limitExpansion(new ZstdDecompress());
    default:
      return new PassThrough({ highWaterMark: 1 << 20 });
  }
}
