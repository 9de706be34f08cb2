// Images made in the tests: tar layers (gzip, zstd or uncompressed), configs with their diffIDs,
// manifests and indexes, written into a LocalContentStore as a pull would leave them.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import type { ContentStore } from '../../src/content/content-store.js';
import { type Digest, digestOf } from '../../src/oci/digest.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../../src/oci/image-spec.js';
import { MediaType } from '../../src/oci/media-types.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface TestLayer {
  files: Record<string, string | Buffer>;
  compression?: Compression;
}

export interface TestImage {
  manifestDigest: Digest;
  manifestBytes: Buffer;
  manifest: ImageManifest;
  configDigest: Digest;
  config: ImageConfig;
  layers: Descriptor[];
  diffIds: Digest[];
  /** Uncompressed tars, by diffID. */
  tars: Map<Digest, Buffer>;
}

export async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const madeDirs = new Set<string>();
  for (const [name, content] of Object.entries(files)) {
    const dirs = name.split('/').slice(0, -1);
    for (let i = 1; i <= dirs.length; i++) {
      // Each directory once: docker refuses layers with duplicate paths.
      const dir = dirs.slice(0, i).join('/') + '/';
      if (madeDirs.has(dir)) continue;
      madeDirs.add(dir);
      pack.entry({ name: dir, type: 'directory', mode: 0o755, mtime: new Date(0) });
    }
    pack.entry({ name, mode: 0o644, mtime: new Date(0) }, typeof content === 'string' ? Buffer.from(content) : content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A zstd frame of raw blocks: valid zstd without an encoder (used when the zstd tool is absent). */
function zstdRawFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  const max = 128 * 1024;
  if (data.length === 0) parts.push(Buffer.from([0x01, 0x00, 0x00]));
  for (let off = 0; off < data.length; off += max) {
    const block = data.subarray(off, off + max);
    const last = off + max >= data.length ? 1 : 0;
    const h = (block.length << 3) | last; // block type 0: raw
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), block);
  }
  return Buffer.concat(parts);
}

export function compress(data: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(data);
  if (c === 'zstd') {
    try {
      return execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
    } catch {
      return zstdRawFrame(data);
    }
  }
  return data;
}

function layerMediaType(c: Compression, oci: boolean): string {
  if (oci) return c === 'gzip' ? MediaType.ociLayerGzip : c === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
  if (c === 'zstd') return MediaType.ociLayerZstd;
  return c === 'gzip' ? MediaType.dockerLayerGzip : MediaType.dockerLayer;
}

export async function buildImage(
  store: ContentStore,
  opts: { layers: TestLayer[]; platform?: Platform; oci?: boolean; label?: string },
): Promise<TestImage> {
  const oci = opts.oci ?? false;
  const layers: Descriptor[] = [];
  const diffIds: Digest[] = [];
  const tars = new Map<Digest, Buffer>();
  for (const l of opts.layers) {
    const t = await tarOf(l.files);
    const diffId = digestOf(t);
    const c = l.compression ?? 'gzip';
    const blob = compress(t, c);
    const info = await store.put(blob);
    layers.push({ mediaType: layerMediaType(c, oci), digest: info.digest, size: info.size });
    diffIds.push(diffId);
    tars.set(diffId, t);
  }
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Cmd: ['sh'], Labels: opts.label ? { test: opts.label } : {} },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created_by: 'test' })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configInfo = await store.put(configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: oci ? MediaType.ociManifest : MediaType.dockerManifest,
    config: { mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig, digest: configInfo.digest, size: configInfo.size },
    layers,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const m = await store.put(manifestBytes);
  return { manifestDigest: m.digest, manifestBytes, manifest, configDigest: configInfo.digest, config, layers, diffIds, tars };
}

export async function buildIndex(store: ContentStore, entries: { image: TestImage; platform: Platform }[], oci = true): Promise<{ digest: Digest; index: ImageIndex; bytes: Buffer }> {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: oci ? MediaType.ociIndex : MediaType.dockerManifestList,
    manifests: entries.map((e) => ({
      mediaType: e.image.manifest.mediaType!,
      digest: e.image.manifestDigest,
      size: e.image.manifestBytes.length,
      platform: e.platform,
    })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const info = await store.put(bytes);
  return { digest: info.digest, index, bytes };
}
