// The docker CLI sends a context tar without the end-of-archive blocks (and without padding after
// the last file) when it adds a Dockerfile from outside the context; Go's tar reader takes that as
// the end. This pads such a stream to a whole tar so stricter readers accept it. Zero blocks after
// a proper end are ignored by readers, so a complete tar passes through unchanged in meaning.
import { Transform } from 'node:stream';

const BLOCK = 512;

export function padTarStream(): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      done(null, Buffer.alloc(pad + 2 * BLOCK));
    },
  });
}
