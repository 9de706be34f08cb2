// The bytes of a context tar as POST /build sends them, read straight off the request: gzip
// recognised by its magic and inflated (capped against bombs), other compressions refused, and the tar padded to a
// whole archive at the end: the docker CLI sends a tar without the end-of-archive blocks (and
// without padding after the last file) when it adds a Dockerfile from outside the context, which
// Go's reader takes as the end; zero blocks after a proper end are ignored. No stream stages in
// between: each costs per chunk, and a cached rebuild's time is mostly this read.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { limitExpansion } from '../registry/client/expansion-limit.js';

const BLOCK = 512;

export async function* contextChunks(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  let source: AsyncIterable<Buffer> = rest;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = limitExpansion(createGunzip());
    Readable.from((async function* () {
      yield head;
      yield* rest;
    })()).pipe(gunzip);
    source = gunzip;
  } else if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    throw new InvalidArgumentError('unsupported context compression: zstd');
  } else if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) {
    throw new InvalidArgumentError('unsupported context compression: bzip2');
  } else if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new InvalidArgumentError('unsupported context compression: xz');
  } else {
    yield head;
  }
  let size = head.length;
  if (source !== rest) size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    yield chunk;
  }
  yield Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK + 2 * BLOCK);
}
