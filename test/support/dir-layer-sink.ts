// A LayerSink over a plain directory (the real one is the image store's snapshots): each layer is
// extracted with tar-stream into a temp dir and renamed to <root>/<diffID hex> only after its
// stream ended cleanly. Used by the tests and the pull benchmark.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { LayerSink } from '../../src/registry/client/layer-sink.js';
import type { Digest } from '../../src/oci/digest.js';
import type { Descriptor } from '../../src/oci/image-spec.js';

export class DirLayerSink implements LayerSink {
  readonly unpacked: Digest[] = [];
  /** Applied to each layer's stream before extraction (tests slow a layer down with it). */
  hook?: (diffId: Digest, s: Readable) => Readable;

  constructor(readonly root: string) {}

  layerDir(diffId: Digest): string {
    return join(this.root, diffId.slice(diffId.indexOf(':') + 1));
  }

  async has(diffId: Digest): Promise<boolean> {
    return existsSync(this.layerDir(diffId));
  }

  async unpack(_desc: Descriptor, diffId: Digest, uncompressed: Readable): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const tmp = await mkdtemp(join(this.root, '.tmp-'));
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const target = join(tmp, normalize('/' + header.name));
      const done = (err?: unknown): void => {
        if (err) next(err as Error);
        else next();
      };
      if (header.type === 'directory') {
        stream.resume();
        mkdir(target, { recursive: true }).then(() => done(), done);
      } else if (header.type === 'symlink') {
        stream.resume();
        mkdir(dirname(target), { recursive: true }).then(() => symlink(header.linkname ?? '', target)).then(() => done(), done);
      } else if (header.type === 'file') {
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: header.mode ?? 0o644 })))
          .then(() => done(), done);
      } else {
        stream.resume();
        stream.on('end', () => done());
      }
    });
    try {
      const src = this.hook ? this.hook(diffId, uncompressed) : uncompressed;
      await pipeline(src, extract);
      await rename(tmp, this.layerDir(diffId));
      this.unpacked.push(diffId);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}
