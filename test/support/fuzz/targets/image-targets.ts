// Fuzz targets for image formats from outside: `docker save` archives (src/image/archive), layer
// compression (gzip/zstd, as pull, load and import decompress), and manifests, indexes and
// configs (as a registry client receives them, and as the registry server takes a push).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { digestOf } from '../../../../src/oci/digest.js';
import { readImageArchive } from '../../../../src/image/archive/read-image-archive.js';
import { sniffCompression } from '../../../../src/image/sniff-compression.js';
import { createDecompressor } from '../../../../src/registry/client/layer-decompress.js';
import { parseFetchedManifest, parseImageConfig } from '../../../../src/registry/client/manifest-shape.js';
import { selectManifest } from '../../../../src/registry/client/select-platform.js';
import { parseManifest } from '../../../../src/registry/server/manifest-parse.js';
import { TarReader } from '../../../../src/snapshot/tar-reader.js';
import type { ImageIndex, ImageManifest } from '../../../../src/oci/image-spec.js';
import type { FuzzInput, FuzzTarget } from '../fuzz-target.js';
import { mutatedBytes, mutatedText } from './mutate.js';
import { encodeEntries, sampleTar } from './tar-samples.js';

const bytes = (input: FuzzInput): Buffer => (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input));

/** Pipes `src` through `t`, counting output; refuses more than `limit` bytes out (a bomb). */
async function drain(src: Readable, limit: number, each?: (c: Buffer) => void): Promise<number> {
  let n = 0;
  for await (const c of src as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) {
      src.destroy();
      break;
    }
    each?.(c);
  }
  return n;
}

// A layer: a tar, plain, gzip'd or zstd'd (a fixed zstd frame of an empty tar: Node 20 cannot write zstd).
const ZSTD_EMPTY_TAR = Buffer.from('KLUv/QRYTQAAEAAAAQD7K4AFzayF8A==', 'base64');
const layerSample = fc.oneof(sampleTar, sampleTar.map((t) => gzipSync(t)), fc.constant(ZSTD_EMPTY_TAR));

export const layerTarget: FuzzTarget = {
  name: 'layer-decompress',
  covers: 'image/sniff-compression + registry/client/layer-decompress (gzip, zstd) + tar-reader, as a pulled or imported layer',
  arbitrary: fc.oneof(mutatedBytes(layerSample, [Buffer.from([0x1f, 0x8b]), Buffer.from([0x28, 0xb5, 0x2f, 0xfd])]), layerSample.map((b) => new Uint8Array(b))),
  async run(input) {
    const { compression, stream } = await sniffCompression(Readable.from([bytes(input)]));
    const reader = new TarReader({ entry: () => undefined, data: () => undefined, end: () => undefined });
    const out = compression === 'none' ? stream : stream.pipe(createDecompressor(compression));
    stream.on('error', (err) => out.destroy(err));
    await drain(out, 64 << 20, (c) => reader.push(c));
    reader.end();
  },
};

const H = (s: string): string => digestOf(s);
const MANIFEST: ImageManifest = {
  schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: H('c') as never, size: 1 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: H('l') as never, size: 2 }],
};
const INDEX: ImageIndex = {
  schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: MANIFEST.mediaType!, digest: H('m') as never, size: 3, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: MANIFEST.mediaType!, digest: H('n') as never, size: 3, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
};
const CONFIG = { architecture: 'amd64', os: 'linux', config: { Env: ['A=b'], Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [H('d')] } };
const JSON_SAMPLES = [JSON.stringify(MANIFEST), JSON.stringify(INDEX), JSON.stringify(CONFIG)];
const JSON_TOKENS = ['{', '}', '[', ']', '"', ':', ',', 'null', '0', '-1', '1e309', 'true', '"../../x"', '"sha256:"', '"manifests"', '"layers"',
  '"config"', '"digest"', '"size"', '"platform"', '"rootfs"', '"diff_ids"', '"mediaType"', '"schemaVersion"', '2', '1', '"__proto__"', '{}', '[]'];
const jsonInput = fc.oneof(mutatedText(JSON_SAMPLES, JSON_TOKENS), fc.json({ maxDepth: 3 }));

export const clientManifestTarget: FuzzTarget = {
  name: 'manifest-client',
  covers: 'registry/client/manifest-shape: manifests, indexes (platform pick) and configs as a pull receives them',
  arbitrary: jsonInput,
  run(input) {
    const b = bytes(input);
    for (const ct of ['', MANIFEST.mediaType!, INDEX.mediaType!]) {
      let fetched;
      try {
        fetched = parseFetchedManifest(b, ct);
      } catch (err) {
        if (err instanceof Error && err.name !== 'TypeError') continue;
        throw err;
      }
      if ('manifests' in fetched.parsed) selectManifest(fetched.parsed, { os: 'linux', architecture: 'arm64' });
      else void fetched.parsed.layers.filter((l) => l.mediaType.length >= 0).map((l) => l.digest.length);
    }
    const config = parseImageConfig(b, H('x') as never);
    void (config.rootfs?.diff_ids ?? []).map((d) => d.length);
  },
};

export const serverManifestTarget: FuzzTarget = {
  name: 'manifest-server',
  covers: 'registry/server/manifest-parse: a pushed manifest or index body, with each content type',
  arbitrary: jsonInput,
  run(input) {
    for (const ct of ['', 'application/json', MANIFEST.mediaType!, INDEX.mediaType!, 'application/vnd.docker.distribution.manifest.v2+json', 'x/y']) {
      try {
        parseManifest(bytes(input), ct);
      } catch (err) {
        if (err instanceof Error && err.name === 'RegistryError') continue;
        throw err;
      }
    }
  },
};

// A `docker save` archive with mutated manifest.json/index.json texts and hostile extra entries.
const LAYER = encodeEntries([{ entry: { name: 'f', type: 'file', mode: 0o644, size: 1 }, data: Buffer.from('x') }]);
const LAYER_PATH = `blobs/sha256/${digestOf(LAYER).slice(7)}`;
const CFG = Buffer.from(JSON.stringify({ ...CONFIG, rootfs: { type: 'layers', diff_ids: [digestOf(LAYER)] } }));
const CFG_PATH = `blobs/sha256/${digestOf(CFG).slice(7)}`;
const SAVE_MANIFEST = JSON.stringify([{ Config: CFG_PATH, RepoTags: ['fuzz:latest'], Layers: [LAYER_PATH] }]);
const OCI_MANIFEST = Buffer.from(JSON.stringify({ ...MANIFEST, config: { ...MANIFEST.config, digest: digestOf(CFG), size: CFG.length }, layers: [{ ...MANIFEST.layers[0], digest: digestOf(LAYER), size: LAYER.length }] }));
const SAVE_INDEX = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MANIFEST.mediaType, digest: digestOf(OCI_MANIFEST), size: OCI_MANIFEST.length, annotations: { 'io.containerd.image.name': 'docker.io/library/fuzz:latest' } }] });
const file = (name: string, data: Buffer) => ({ entry: { name, type: 'file' as const, mode: 0o644, size: data.length }, data });
const hostile = fc.constantFrom(
  { entry: { name: '../escape', type: 'file' as const, mode: 0o644, size: 1 }, data: Buffer.from('x') },
  { entry: { name: '/abs', type: 'file' as const, mode: 0o644, size: 1 }, data: Buffer.from('x') },
  { entry: { name: 'blobs', type: 'symlink' as const, mode: 0o777, linkname: '/etc' }, data: Buffer.alloc(0) },
  { entry: { name: 'manifest.json', type: 'symlink' as const, mode: 0o777, linkname: '../../../etc/passwd' }, data: Buffer.alloc(0) },
  { entry: { name: 'loop', type: 'symlink' as const, mode: 0o777, linkname: 'loop' }, data: Buffer.alloc(0) },
  { entry: { name: 'hl', type: 'link' as const, mode: 0o644, linkname: '/etc/passwd' }, data: Buffer.alloc(0) },
  { entry: { name: 'dev', type: 'character-device' as const, mode: 0o644, devmajor: 1, devminor: 3 }, data: Buffer.alloc(0) },
);

export const imageArchiveTarget: FuzzTarget = {
  name: 'image-archive',
  covers: 'image/archive/read-image-archive: docker save archives (legacy manifest.json and OCI layout, gzip), hostile entries',
  timeLimitMs: 10_000,
  arbitrary: fc
    .record({
      manifest: fc.option(mutatedText([SAVE_MANIFEST], JSON_TOKENS), { nil: undefined }),
      index: fc.option(mutatedText([SAVE_INDEX], JSON_TOKENS), { nil: undefined }),
      extra: fc.array(hostile, { maxLength: 2 }),
      gzip: fc.boolean(),
      cut: fc.option(fc.nat(), { nil: undefined }),
    })
    .map((r) => {
      const entries = [...r.extra, file(LAYER_PATH, LAYER), file(CFG_PATH, CFG), file(`blobs/sha256/${digestOf(OCI_MANIFEST).slice(7)}`, OCI_MANIFEST)];
      if (r.manifest !== undefined) entries.push(file('manifest.json', Buffer.from(r.manifest)));
      if (r.index !== undefined) entries.push(file('index.json', Buffer.from(r.index)));
      let tar = encodeEntries(entries);
      if (r.cut !== undefined) tar = tar.subarray(0, r.cut % (tar.length + 1));
      return new Uint8Array(r.gzip ? gzipSync(tar) : tar);
    }),
  async run(input) {
    const scratch = mkdtempSync(join(tmpdir(), 'berth-fuzz-load-'));
    try {
      const res = await readImageArchive(Readable.from([bytes(input)]), scratch);
      await res.cleanup();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
