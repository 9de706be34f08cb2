// Reads a `docker save` archive (legacy or docker 25+'s OCI layout, plain or gzip'd) for
// `docker load`: unpacks it into a scratch dir and returns each image's config and layer files.
// Hostile archives are refused: names that climb out, links that resolve outside, blobs whose
// bytes do not match their digest, configs that do not match their name.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Readable, PassThrough } from 'node:stream';
import tarStream from 'tar-stream';
import { BerthError, DigestMismatchError, InvalidArgumentError } from '../../errors.js';
import { isDigest, type Digest } from '../../oci/digest.js';
import type { ImageIndex, ImageManifest, ImageConfig } from '../../oci/image-spec.js';
import { isIndexType, isManifestType } from '../../oci/media-types.js';
import { hostPlatform, platformMatches } from '../../oci/platform.js';
import { familiarString, parseReference } from '../../oci/reference.js';
import { cleanLayerPath } from '../../snapshot/apply-layer.js';
import { createDecompressor } from '../../registry/client/layer-decompress.js';
import { drained } from '../../fsutil/drained.js';
import {
  ANNOTATION_IMAGE_NAME, MANIFEST_FILE, OCI_INDEX_FILE, blobPath, type ArchiveCompression, type ArchiveImage,
  type ManifestItem, type ReadArchiveResult,
} from './archive-format.js';

const MAX_LINK_HOPS = 40;

function invalid(msg: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid archive: ${msg}`);
}

/** Decompresses a gzip'd archive; passes a plain one through (sniffed from the first bytes). */
async function decompressed(src: Readable): Promise<Readable> {
  const it = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let ended = false;
  while (have < 4) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value as Buffer);
    have += (r.value as Buffer).length;
  }
  const head = Buffer.concat(chunks);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let result: Readable = out;
  if (head.length === 0) throw invalid('empty input: no image archive');
  if (head[0] === 0x1f && head[1] === 0x8b) result = out.pipe(createDecompressor('gzip'));
  else if ((head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) || (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) || head.subarray(0, 4).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58]))) {
    throw invalid('zstd, bzip2 and xz compressed archives are not supported: decompress it first, or use gzip');
  }
  if (head.length < 4 && head.length > 0) throw invalid('too short');
  void (async () => {
    try {
      if (head.length) out.write(head);
      if (!ended) {
        for (let r = await it.next(); !r.done; r = await it.next()) {
          if (!out.write(r.value as Buffer)) await new Promise((resolve) => out.once('drain', resolve));
        }
      }
      out.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  if (result !== out) out.on('error', (err) => result.destroy(err));
  return result;
}

interface Unpacked {
  root: string;
  /** Symlinks and hard links of the archive, by cleaned path: target already made root-relative. */
  links: Map<string, { target: string; symbolic: boolean }>;
  files: Set<string>;
}

/** Writes the archive's regular files into `root`; links are recorded, never created. */
async function unpack(src: Readable, root: string): Promise<Unpacked> {
  const links = new Map<string, { target: string; symbolic: boolean }>();
  const files = new Set<string>();
  const extract = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  done.catch(() => undefined);
  extract.on('entry', (header, stream, next) => {
    let fd = -1;
    let hash: ReturnType<typeof createHash> | undefined;
    let expected: string | undefined;
    const fail = (err: Error): void => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      next(err);
    };
    stream.on('error', () => undefined);
    try {
      const rel = cleanLayerPath(header.name);
      if (header.type === 'directory' || rel === '') {
        if (rel !== '') mkdirSync(join(root, rel), { recursive: true });
      } else if (header.type === 'symlink' || header.type === 'link') {
        const link = header.linkname ?? '';
        // A symlink's target is relative to its directory, a hard link's to the archive root.
        const target = header.type === 'symlink' && !link.startsWith('/') ? `${dirname(rel)}/${link}` : link.replace(/^\/+/, '');
        links.set(rel, { target, symbolic: header.type === 'symlink' });
        files.delete(rel);
      } else if (header.type === 'file' || header.type === 'contiguous-file') {
        mkdirSync(join(root, dirname(rel)), { recursive: true });
        fd = openSync(join(root, rel), 'w', 0o600);
        files.add(rel);
        links.delete(rel);
        const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(rel);
        if (m) {
          hash = createHash(m[1]!);
          expected = `${m[1]}:${m[2]}`;
        }
      } else {
        throw invalid(`unexpected ${header.type} entry ${JSON.stringify(header.name)}`);
      }
    } catch (err) {
      fail(err as Error);
      return;
    }
    stream.on('data', (chunk: unknown) => {
      if (fd < 0) return;
      const b = chunk as Buffer;
      hash?.update(b);
      for (let off = 0; off < b.length;) off += writeSync(fd, b, off);
    });
    stream.on('end', () => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      if (hash && expected) {
        const got = `${expected.slice(0, expected.indexOf(':'))}:${hash.digest('hex')}`;
        if (got !== expected) {
          next(new DigestMismatchError(`invalid archive: blob ${header.name} has digest ${got}`));
          return;
        }
      }
      next();
    });
  });
  try {
    for await (const chunk of src) {
      if (!extract.write(chunk as Buffer)) await drained(extract);
      if (extract.destroyed) break;
    }
    extract.end(undefined);
  } catch (err) {
    extract.destroy(err as Error);
  }
  await done;
  return { root, links, files };
}

/** Resolves a path of the archive to a file written in `root`, following the archive's links within it. */
function resolvePath(u: Unpacked, path: string): string {
  let rel: string;
  try {
    rel = cleanLayerPath(path);
  } catch {
    throw invalid(`path ${JSON.stringify(path)} points outside the archive`);
  }
  for (let hops = 0; ; hops++) {
    if (hops > MAX_LINK_HOPS) throw invalid(`too many links resolving ${JSON.stringify(path)}`);
    // Substitute the longest linked prefix, if any.
    const parts = rel.split('/');
    let replaced = false;
    for (let i = parts.length; i > 0; i--) {
      const prefix = parts.slice(0, i).join('/');
      const link = u.links.get(prefix);
      if (!link) continue;
      try {
        rel = cleanLayerPath([link.target, ...parts.slice(i)].join('/'));
      } catch {
        throw invalid(`${JSON.stringify(prefix)} links outside the archive`);
      }
      replaced = true;
      break;
    }
    if (!replaced) break;
  }
  if (!u.files.has(rel)) throw invalid(`${JSON.stringify(path)} is not a file in the archive`);
  return join(u.root, rel);
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw invalid(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

function sniffCompression(file: string): ArchiveCompression {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    if (n === 4 && b.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
    return 'none';
  } finally {
    closeSync(fd);
  }
}

function checkConfig(bytes: Buffer, layerCount: number, what: string): void {
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
  } catch {
    throw invalid(`${what} is not valid JSON`);
  }
  const diffIds = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIds)) throw invalid(`${what} has no rootfs.diff_ids`);
  if (diffIds.length !== layerCount) {
    throw invalid(`layers length mismatch: expected ${layerCount}, got ${diffIds.length}`);
  }
}

function imagesFromManifest(u: Unpacked): ArchiveImage[] {
  const items = readJson<ManifestItem[] | null>(resolvePath(u, MANIFEST_FILE), MANIFEST_FILE);
  if (!Array.isArray(items)) throw invalid('manifest.json must be a list');
  return items.map((item, i) => {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers)) throw invalid(`manifest.json item ${i} lacks Config or Layers`);
    const configFile = resolvePath(u, item.Config);
    const configBytes = readFileSync(configFile);
    // A legacy config is named by its digest's hex: hold it to that (blobs/ were checked on unpack).
    const legacy = /^([a-f0-9]{64})\.json$/.exec(item.Config.replace(/^\.?\//, ''));
    if (legacy && createHash('sha256').update(configBytes).digest('hex') !== legacy[1]) {
      throw new DigestMismatchError(`invalid archive: config ${item.Config} does not match its digest`);
    }
    checkConfig(configBytes, item.Layers.length, item.Config);
    const repoTags = (item.RepoTags ?? []).map((tag) => {
      if (typeof tag !== 'string') throw invalid('RepoTags must be strings');
      // Normalised as docker load does: `docker.io/library/x:1` and `x:1` are the same tag.
      const ref = parseReference(tag);
      if (ref.tag === undefined) throw new InvalidArgumentError(`invalid tag ${JSON.stringify(tag)}`);
      return familiarString({ domain: ref.domain, path: ref.path, tag: ref.tag });
    });
    const layers = item.Layers.map((p) => {
      if (typeof p !== 'string') throw invalid('Layers must be paths');
      const path = resolvePath(u, p);
      return { path, compression: sniffCompression(path) };
    });
    return { repoTags, configBytes, layers };
  });
}

/** An OCI layout without manifest.json: follow index.json (nested indexes by host platform). */
function imagesFromIndex(u: Unpacked): ArchiveImage[] {
  const blob = (digest: string): string => {
    if (!isDigest(digest)) throw invalid(`bad digest ${JSON.stringify(digest)}`);
    return resolvePath(u, blobPath(digest as Digest));
  };
  const images: ArchiveImage[] = [];
  const visit = (index: ImageIndex, nested: boolean): void => {
    for (const d of index.manifests ?? []) {
      if (isIndexType(d.mediaType)) {
        visit(readJson<ImageIndex>(blob(d.digest), d.digest), true);
      } else if (isManifestType(d.mediaType)) {
        if (nested && d.platform && !platformMatches(hostPlatform(), d.platform)) continue;
        const m = readJson<ImageManifest>(blob(d.digest), d.digest);
        const configBytes = readFileSync(blob(m.config.digest));
        checkConfig(configBytes, m.layers.length, m.config.digest);
        const name = d.annotations?.[ANNOTATION_IMAGE_NAME];
        let repoTags: string[] = [];
        if (name) {
          try {
            repoTags = [familiarString(parseReference(name))];
          } catch {
            repoTags = [];
          }
        }
        const layers = m.layers.map((l) => {
          const path = blob(l.digest);
          return { path, compression: sniffCompression(path) };
        });
        images.push({ repoTags, configBytes, layers });
      }
    }
  };
  visit(readJson<ImageIndex>(resolvePath(u, OCI_INDEX_FILE), OCI_INDEX_FILE), false);
  return images;
}

/** Errors the archive's content causes (a bad tar, a path that is both file and directory), not the disk. */
function isArchiveFault(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof BerthError) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return code === undefined || ['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ELOOP', 'ENAMETOOLONG'].includes(code);
}

/**
 * Unpacks a `docker save` archive into a new directory under `scratchDir` and describes its
 * images. The caller loads the layers and then calls cleanup() (also on failure of its own).
 */
export async function readImageArchive(tar: Readable, scratchDir: string): Promise<ReadArchiveResult> {
  mkdirSync(scratchDir, { recursive: true });
  const root = mkdtempSync(join(scratchDir, 'load-'));
  const cleanup = async (): Promise<void> => {
    await rm(root, { recursive: true, force: true });
  };
  try {
    const u = await unpack(await decompressed(tar), root);
    let images: ArchiveImage[];
    if (u.files.has(MANIFEST_FILE) || u.links.has(MANIFEST_FILE)) images = imagesFromManifest(u);
    else if (u.files.has(OCI_INDEX_FILE)) images = imagesFromIndex(u);
    else throw invalid('no manifest.json or index.json found: not an image archive');
    return { images, cleanup };
  } catch (err) {
    await cleanup();
    if (isArchiveFault(err)) throw invalid((err as Error).message);
    throw err;
  }
}
