// A cap on how far a decompressor may inflate its input: the gzip/zstd bomb guard for layers
// (pull, load, import) and build contexts. Real layers inflate a few times (text ~10:1); a bomb
// inflates ~1000:1 (gzip's ceiling) or far more (zstd). Once a stream has given out more than
// `floorBytes`, it is cut when its output exceeds `ratio` times its input so far, so small
// layers of zeros still pass and a 10 GB bomb stops after `floorBytes`. docker has no such
// limit; docs/security.md says why berth does.
import type { Transform, TransformCallback } from 'node:stream';
import { InvalidArgumentError } from '../../errors.js';

export interface ExpansionLimit {
  ratio: number;
  floorBytes: number;
}

export const DEFAULT_EXPANSION_LIMIT: ExpansionLimit = { ratio: 200, floorBytes: 128 * 1024 * 1024 };

export class DecompressionBombError extends InvalidArgumentError {}

/** Wraps `t` (a decompressing Transform) in place: counts what goes in and what it pushes out. */
export function limitExpansion<T extends Transform>(t: T, limit: ExpansionLimit = DEFAULT_EXPANSION_LIMIT): T {
  let bytesIn = 0;
  let bytesOut = 0;
  const transform = t._transform.bind(t);
  t._transform = (chunk: Buffer, enc: BufferEncoding, cb: TransformCallback) => {
    bytesIn += chunk.length;
    transform(chunk, enc, cb);
  };
  const push = t.push.bind(t);
  t.push = (chunk: unknown, enc?: BufferEncoding) => {
    if (chunk !== null && (chunk as Buffer).length !== undefined) {
      bytesOut += (chunk as Buffer).length;
      if (bytesOut > limit.floorBytes && bytesOut > bytesIn * limit.ratio) {
        t.destroy(new DecompressionBombError(
          `compressed data expands more than ${limit.ratio} times (${bytesOut} bytes from ${bytesIn}): refusing a decompression bomb`,
        ));
        return false;
      }
    }
    return push(chunk, enc);
  };
  return t;
}
