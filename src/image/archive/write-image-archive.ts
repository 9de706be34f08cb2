// Writes images in docker 25+'s `docker save` format: an OCI image layout (oci-layout,
// index.json, blobs/sha256/…) with manifest.json and repositories beside it, so that docker
// 25+ loads it through either and older docker through manifest.json. Layers are stored
// uncompressed, named by their diffID, and streamed straight from the snapshots.
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, InvalidArgumentError } from '../../errors.js';
import { digestHex, digestOf } from '../../oci/digest.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../../oci/image-spec.js';
import { MediaType } from '../../oci/media-types.js';
import { familiarName, familiarString, formatReference, parseReference } from '../../oci/reference.js';
import { END_OF_ARCHIVE, dataPadding, encodeTarHeader } from '../../snapshot/tar-header.js';
import {
  ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, MANIFEST_FILE, OCI_INDEX_FILE, OCI_LAYOUT_CONTENT, OCI_LAYOUT_FILE,
  REPOSITORIES_FILE, blobPath, type ImageToSave, type ManifestItem,
} from './archive-format.js';

function fileEntry(name: string, data: Buffer): Buffer[] {
  return [encodeTarHeader({ name, type: 'file', mode: 0o644, size: data.length, mtime: 0 }), data, dataPadding(data.length)];
}

function platformOf(config: Buffer): Platform | undefined {
  try {
    const c = JSON.parse(config.toString('utf8')) as Partial<ImageConfig>;
    if (!c.os || !c.architecture) return undefined;
    return { architecture: c.architecture, os: c.os, ...(c.variant ? { variant: c.variant } : {}) };
  } catch {
    return undefined;
  }
}

async function* layerEntry(layer: ImageToSave['layers'][number]): AsyncGenerator<Buffer> {
  yield encodeTarHeader({ name: blobPath(layer.diffId), type: 'file', mode: 0o644, size: layer.size, mtime: 0 });
  const hash = createHash('sha256');
  let written = 0;
  for await (const chunk of layer.open()) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    written += b.length;
    if (written > layer.size) break;
    hash.update(b);
    yield b;
  }
  // The header promised `size` bytes of this exact content: anything else would corrupt the archive.
  if (written !== layer.size) throw new InvalidArgumentError(`layer ${layer.diffId}: expected ${layer.size} bytes, read ${written}`);
  const got = `sha256:${hash.digest('hex')}`;
  if (got !== layer.diffId) throw new DigestMismatchError(`layer ${layer.diffId}: content has digest ${got}`);
  yield dataPadding(layer.size);
}

async function* archiveEntries(images: ImageToSave[]): AsyncGenerator<Buffer> {
  const written = new Set<string>();
  const indexEntries: Descriptor[] = [];
  const manifest: ManifestItem[] = [];
  const repositories: Record<string, Record<string, string>> = {};

  yield encodeTarHeader({ name: 'blobs', type: 'directory', mode: 0o755, mtime: 0 });
  yield encodeTarHeader({ name: 'blobs/sha256', type: 'directory', mode: 0o755, mtime: 0 });
  for (const img of images) {
    for (const layer of img.layers) {
      if (written.has(layer.diffId)) continue;
      written.add(layer.diffId);
      yield* layerEntry(layer);
    }
    if (!written.has(img.config.digest)) {
      if (digestOf(img.config.bytes) !== img.config.digest) throw new DigestMismatchError(`config does not match ${img.config.digest}`);
      written.add(img.config.digest);
      yield* fileEntry(blobPath(img.config.digest), img.config.bytes);
    }
    const platform = platformOf(img.config.bytes);
    const m: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: img.config.digest, size: img.config.bytes.length },
      layers: img.layers.map((l) => ({ mediaType: MediaType.ociLayer, digest: l.diffId, size: l.size })),
    };
    const mBytes = Buffer.from(JSON.stringify(m));
    const mDigest = digestOf(mBytes);
    if (!written.has(mDigest)) {
      written.add(mDigest);
      yield* fileEntry(blobPath(mDigest), mBytes);
    }
    const repoTags: string[] = [];
    const desc = { mediaType: MediaType.ociManifest, digest: mDigest, size: mBytes.length, ...(platform ? { platform } : {}) };
    for (const tag of img.repoTags) {
      const ref = parseReference(tag);
      if (ref.tag === undefined) throw new InvalidArgumentError(`invalid tag ${JSON.stringify(tag)}: a tag is needed to save it`);
      repoTags.push(familiarString(ref));
      indexEntries.push({ ...desc, annotations: { [ANNOTATION_IMAGE_NAME]: formatReference(ref), [ANNOTATION_REF_NAME]: ref.tag } });
      const top = img.layers.at(-1);
      if (top) (repositories[familiarName(ref)] ??= {})[ref.tag] = digestHex(top.diffId);
    }
    if (img.repoTags.length === 0) indexEntries.push(desc);
    manifest.push({ Config: blobPath(img.config.digest), RepoTags: repoTags, Layers: img.layers.map((l) => blobPath(l.diffId)) });
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: indexEntries };
  yield* fileEntry(OCI_INDEX_FILE, Buffer.from(JSON.stringify(index)));
  yield* fileEntry(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest)}\n`));
  yield* fileEntry(OCI_LAYOUT_FILE, Buffer.from(OCI_LAYOUT_CONTENT));
  if (Object.keys(repositories).length > 0) yield* fileEntry(REPOSITORIES_FILE, Buffer.from(`${JSON.stringify(repositories)}\n`));
  yield END_OF_ARCHIVE;
}

/** Streams the archive of `images` into `out` (ended when done, destroyed on error). */
export async function writeImageArchive(images: ImageToSave[], out: Writable): Promise<void> {
  await pipeline(Readable.from(archiveEntries(images)), out);
}

