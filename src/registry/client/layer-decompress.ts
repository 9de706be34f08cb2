// A layer's compressed bytes → its tar stream: gzip through zlib, zstd through fzstd (pure JS;
// Node 20's zlib has no zstd), uncompressed passed through.
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { LayerCompression } from '../../oci/media-types.js';

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
      cb(err as Error);
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.z.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}

export function createDecompressor(c: LayerCompression): Transform {
  switch (c) {
    case 'gzip':
      return createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return new ZstdDecompress();
    default:
      return new PassThrough({ highWaterMark: 1 << 20 });
  }
}
