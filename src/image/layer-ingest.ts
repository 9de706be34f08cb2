// A layer tar (plain, gzip or zstd) stored twice at once: as an uncompressed blob in the content
// store and unpacked into a committed snapshot on top of its parent (import, load, build).
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContentStore } from '../content/content-store.js';
import type { Digest } from '../oci/digest.js';
import { MediaType } from '../oci/media-types.js';
import { createDecompressor } from '../registry/client/layer-decompress.js';
import type { LayerRecord } from './image-store.js';
import { type LayerStorage, unpackLayer } from './layer-unpack.js';
import { sniffCompression } from './sniff-compression.js';

export async function ingestLayer(deps: LayerStorage & { content: ContentStore }, body: Readable, parent: Digest | undefined): Promise<LayerRecord> {
  const tar = await sniffAndDecompress(body);
  const writer = await deps.content.writer();
  const toBlob = new PassThrough({ highWaterMark: 1 << 20 });
  const toApply = new PassThrough({ highWaterMark: 1 << 20 });
  tar.on('data', (chunk: Buffer) => {
    const a = toBlob.write(chunk);
    const b = toApply.write(chunk);
    if (!a || !b) {
      tar.pause();
      let waiting = (a ? 0 : 1) + (b ? 0 : 1);
      const resume = (): void => {
        if (--waiting === 0) tar.resume();
      };
      if (!a) toBlob.once('drain', resume);
      if (!b) toApply.once('drain', resume);
    }
  });
  tar.on('end', () => {
    toBlob.end();
    toApply.end();
  });
  tar.on('error', (err) => {
    toBlob.destroy(err);
    toApply.destroy(err);
  });
  try {
    const [, unpacked] = await Promise.all([pipeline(toBlob, writer), unpackLayer(deps, toApply, parent)]);
    const blob = await writer.commit();
    return { diffId: unpacked.diffId, chainId: unpacked.chainId, size: unpacked.size, blob: { digest: blob.digest, mediaType: MediaType.ociLayer, size: blob.size } };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** Reads the first bytes to tell gzip/zstd/plain tar apart (docker import accepts compressed tars). */
async function sniffAndDecompress(body: Readable): Promise<Readable> {
  const { compression, stream } = await sniffCompression(body);
  if (compression === 'none') return stream;
  return stream.pipe(createDecompressor(compression));
}
