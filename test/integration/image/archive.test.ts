import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { DigestMismatchError, InvalidArgumentError } from '../../../src/errors.js';
import { readImageArchive } from '../../../src/image/archive/read-image-archive.js';
import { writeImageArchive } from '../../../src/image/archive/write-image-archive.js';
import type { ImageToSave } from '../../../src/image/archive/archive-format.js';
import { digestOf, type Digest } from '../../../src/oci/digest.js';
import { UnsafeLayerError } from '../../../src/snapshot/apply-layer.js';
import { tarBytes, tempDir, type Entry } from '../../support/layer-fixtures.js';

function hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function layer(files: Record<string, string>): Buffer {
  return tarBytes(Object.entries(files).map(([name, data]) => ({ name, type: 'file', mode: 0o644, data })));
}

function config(layers: Buffer[], extra: object = {}): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, ...extra,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${hex(l)}`) },
  }));
}

function toSave(repoTags: string[], layers: Buffer[], extra: object = {}): ImageToSave {
  const bytes = config(layers, extra);
  return {
    repoTags,
    config: { digest: digestOf(bytes), bytes },
    layers: layers.map((l) => ({ diffId: `sha256:${hex(l)}` as Digest, size: l.length, open: () => Readable.from([l]) })),
  };
}

async function save(images: ImageToSave[]): Promise<Buffer> {
  const out = new PassThrough();
  const [bytes] = await Promise.all([buffer(out), writeImageArchive(images, out)]);
  return bytes;
}

const base = layer({ 'etc/os-release': 'ID=test\n', 'bin/sh': 'shell' });
const app = layer({ 'app/main': 'main' });

test('writeImageArchive writes docker 25+ format that readImageArchive reads back, plain and gzip\'d', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const archive = await save([toSave(['busybox:latest', 'busybox:1'], [base]), toSave(['example.com/team/app:v2'], [base, app])]);
  const names = execFileSync('tar', ['-tf', '-'], { input: archive }).toString().trim().split('\n');
  for (const n of ['oci-layout', 'index.json', 'manifest.json', 'repositories', `blobs/sha256/${hex(base)}`, `blobs/sha256/${hex(app)}`]) {
    assert.ok(names.includes(n), `${n} in archive`);
  }
  assert.equal(names.filter((n) => n === `blobs/sha256/${hex(base)}`).length, 1, 'a shared layer is stored once');

  const x = join(dir, 'x');
  mkdirSync(x);
  execFileSync('tar', ['-xf', '-', '-C', x], { input: archive });
  const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest[0].RepoTags, ['busybox:latest', 'busybox:1']);
  assert.deepEqual(manifest[1].Layers, [`blobs/sha256/${hex(base)}`, `blobs/sha256/${hex(app)}`]);
  assert.deepEqual(JSON.parse(readFileSync(join(x, 'repositories'), 'utf8')), {
    busybox: { latest: hex(base), 1: hex(base) },
    'example.com/team/app': { v2: hex(app) },
  });
  const index = JSON.parse(readFileSync(join(x, 'index.json'), 'utf8'));
  assert.equal(index.manifests.length, 3, 'one index entry per tag');
  assert.deepEqual(index.manifests[0].annotations, {
    'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest',
  });
  assert.deepEqual(index.manifests[0].platform, { architecture: 'amd64', os: 'linux' });
  for (const f of readdirSync(join(x, 'blobs/sha256'))) {
    assert.equal(hex(readFileSync(join(x, 'blobs/sha256', f))), f, `blob ${f} matches its name`);
  }

  for (const input of [archive, gzipSync(archive)]) {
    const res = await readImageArchive(Readable.from([input]), join(dir, 'scratch'));
    try {
      assert.equal(res.images.length, 2);
      const [a, b] = res.images;
      assert.deepEqual(a!.repoTags, ['busybox:latest', 'busybox:1']);
      assert.deepEqual(b!.repoTags, ['example.com/team/app:v2']);
      assert.deepEqual(b!.configBytes, config([base, app]));
      assert.deepEqual(b!.layers.map((l) => readFileSync(l.path)), [base, app]);
      assert.deepEqual(b!.layers.map((l) => l.compression), ['none', 'none']);
    } finally {
      await res.cleanup();
    }
  }
  assert.deepEqual(readdirSync(join(dir, 'scratch')), [], 'cleanup removes the unpacked archive');
});

test('an archive written by writeImageArchive is read by skopeo through both manifest.json and the OCI layout', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const file = join(dir, 'img.tar');
  writeFileSync(file, await save([toSave(['busybox:latest'], [base, app])]));
  const viaManifest = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `docker-archive:${file}`]).toString());
  assert.deepEqual(viaManifest.layers.map((l: { digest: string }) => l.digest), [`sha256:${hex(base)}`, `sha256:${hex(app)}`]);
  // Copying verifies every blob's digest.
  execFileSync('skopeo', ['copy', '-q', `docker-archive:${file}`, `dir:${join(dir, 'copy1')}`]);
  execFileSync('skopeo', ['copy', '-q', `oci-archive:${file}:latest`, `dir:${join(dir, 'copy2')}`]);
  assert.ok(readdirSync(join(dir, 'copy2')).includes(hex(app)));
});

test('readImageArchive reads the legacy format, including a layer shared by symlink and a gzip\'d layer', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const id1 = 'a'.repeat(64);
  const id2 = 'b'.repeat(64);
  const gzApp = gzipSync(app);
  const cfg1 = config([base]);
  const cfg2 = config([base, app], { created: '2020-01-01T00:00:00Z' });
  const entries: Entry[] = [
    { name: `${id1}/`, type: 'directory', mode: 0o755 },
    { name: `${id1}/VERSION`, type: 'file', mode: 0o644, data: '1.0' },
    { name: `${id1}/json`, type: 'file', mode: 0o644, data: JSON.stringify({ id: id1 }) },
    { name: `${id1}/layer.tar`, type: 'file', mode: 0o644, data: base },
    { name: `${id2}/`, type: 'directory', mode: 0o755 },
    { name: `${id2}/layer.tar`, type: 'file', mode: 0o644, data: gzApp },
    { name: `${'c'.repeat(64)}/layer.tar`, type: 'symlink', mode: 0o777, linkname: `../${id1}/layer.tar` },
    { name: `${hex(cfg1)}.json`, type: 'file', mode: 0o644, data: cfg1 },
    { name: `${hex(cfg2)}.json`, type: 'file', mode: 0o644, data: cfg2 },
    { name: 'manifest.json', type: 'file', mode: 0o644, data: JSON.stringify([
      { Config: `${hex(cfg1)}.json`, RepoTags: ['old:one'], Layers: [`${id1}/layer.tar`] },
      { Config: `${hex(cfg2)}.json`, RepoTags: null, Layers: [`${'c'.repeat(64)}/layer.tar`, `${id2}/layer.tar`] },
    ]) },
    { name: 'repositories', type: 'file', mode: 0o644, data: JSON.stringify({ old: { one: id1 } }) },
  ];
  const res = await readImageArchive(Readable.from([tarBytes(entries)]), join(dir, 'scratch'));
  t.after(() => res.cleanup());
  assert.deepEqual(res.images.map((i) => i.repoTags), [['old:one'], []]);
  assert.deepEqual(res.images[1]!.configBytes, cfg2);
  assert.deepEqual(readFileSync(res.images[1]!.layers[0]!.path), base, 'symlinked layer resolves to the shared one');
  assert.deepEqual(res.images[1]!.layers.map((l) => l.compression), ['none', 'gzip']);
  assert.deepEqual(readFileSync(res.images[1]!.layers[1]!.path), gzApp);
});

test('readImageArchive reads a legacy archive written by skopeo', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const ours = join(dir, 'ours.tar');
  writeFileSync(ours, await save([toSave(['busybox:latest'], [base, app])]));
  const theirs = join(dir, 'theirs.tar');
  execFileSync('skopeo', ['copy', '-q', `docker-archive:${ours}`, `docker-archive:${theirs}:legacy/img:7`]);
  const res = await readImageArchive(Readable.from([readFileSync(theirs)]), join(dir, 'scratch'));
  t.after(() => res.cleanup());
  assert.deepEqual(res.images[0]!.repoTags, ['legacy/img:7']);
  assert.deepEqual(res.images[0]!.layers.map((l) => hex(readFileSync(l.path))), [hex(base), hex(app)]);
});

test('readImageArchive reads an OCI layout that has no manifest.json', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const x = join(dir, 'x');
  mkdirSync(x);
  execFileSync('tar', ['-xf', '-', '-C', x], { input: await save([toSave(['registry.local:5000/tools/app:3'], [base])]) });
  const tar = execFileSync('tar', ['-cf', '-', '-C', x, 'oci-layout', 'index.json', 'blobs']);
  const res = await readImageArchive(Readable.from([tar]), join(dir, 'scratch'));
  t.after(() => res.cleanup());
  assert.deepEqual(res.images.map((i) => i.repoTags), [['registry.local:5000/tools/app:3']]);
  assert.deepEqual(readFileSync(res.images[0]!.layers[0]!.path), base);
});

test('readImageArchive refuses hostile archives and leaves nothing behind', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  const scratch = join(dir, 'scratch');
  const cfg = config([base]);
  const good = (over: Partial<{ Config: string; Layers: string[] }>): Entry => ({
    name: 'manifest.json', type: 'file', mode: 0o644,
    data: JSON.stringify([{ Config: `${hex(cfg)}.json`, RepoTags: ['x:y'], Layers: ['l/layer.tar'], ...over }]),
  });
  const cases: Array<[string, Entry[], new (...a: never[]) => Error, RegExp]> = [
    ['entry climbing out', [{ name: '../evil', type: 'file', mode: 0o644, data: 'x' }], UnsafeLayerError, /outside/],
    ['absolute entry', [{ name: '/tmp/evil', type: 'file', mode: 0o644, data: 'x' }], UnsafeLayerError, /absolute/],
    ['manifest path climbing out', [good({ Config: '../../../../etc/passwd' })], InvalidArgumentError, /outside the archive/],
    ['layer symlink to an absolute host path', [
      { name: `${hex(cfg)}.json`, type: 'file', mode: 0o644, data: cfg },
      { name: 'l/layer.tar', type: 'symlink', mode: 0o777, linkname: '/etc/passwd' },
      good({}),
    ], InvalidArgumentError, /not a file in the archive/],
    ['layer symlink climbing out', [
      { name: `${hex(cfg)}.json`, type: 'file', mode: 0o644, data: cfg },
      { name: 'l/layer.tar', type: 'symlink', mode: 0o777, linkname: '../../../../etc/passwd' },
      good({}),
    ], InvalidArgumentError, /links outside the archive/],
    ['blob with a wrong digest', [{ name: `blobs/sha256/${'0'.repeat(64)}`, type: 'file', mode: 0o644, data: 'not it' }], DigestMismatchError, /digest/],
    ['legacy config not matching its name', [
      { name: `${'1'.repeat(64)}.json`, type: 'file', mode: 0o644, data: cfg },
      { name: 'l/layer.tar', type: 'file', mode: 0o644, data: base },
      good({ Config: `${'1'.repeat(64)}.json` }),
    ], DigestMismatchError, /does not match/],
    ['layer count not matching the config', [
      { name: `${hex(cfg)}.json`, type: 'file', mode: 0o644, data: cfg },
      { name: 'l/layer.tar', type: 'file', mode: 0o644, data: base },
      good({ Layers: ['l/layer.tar', 'l/layer.tar'] }),
    ], InvalidArgumentError, /layers length mismatch/],
    ['a device node', [{ name: 'dev', type: 'character-device', mode: 0o644, devmajor: 1, devminor: 3 }], InvalidArgumentError, /unexpected/],
    ['not an image archive', [{ name: 'hello', type: 'file', mode: 0o644, data: 'x' }], InvalidArgumentError, /no manifest.json/],
  ];
  for (const [what, entries, type, message] of cases) {
    await assert.rejects(readImageArchive(Readable.from([tarBytes(entries)]), scratch), (err: Error) => {
      assert.ok(err instanceof type, `${what}: ${type.name} expected, got ${err.name}: ${err.message}`);
      assert.match(err.message, message, what);
      return true;
    });
    assert.deepEqual(readdirSync(scratch), [], `${what}: nothing left in scratch`);
    assert.deepEqual(readdirSync(dir), ['scratch'], `${what}: nothing written beside scratch`);
  }
});

test('writeImageArchive refuses a layer whose content does not match its diffID', async () => {
  const img = toSave(['x:y'], [base]);
  img.layers[0]!.open = () => Readable.from([Buffer.alloc(base.length, 1)]);
  await assert.rejects(save([img]), DigestMismatchError);
});

test('readImageArchive fed in many chunks (the reader pausing the feed each time) leaves no listeners behind (no MaxListenersExceededWarning on [Extract])', async (t) => {
  const { dir } = tempDir(t, 'berth-archive-');
  // A layer far above the reader's buffer, given in small chunks: the reader pauses the feed many times.
  const big = tarBytes([{ name: 'data/blob', type: 'file', mode: 0o644, data: Buffer.alloc(4 << 20, 7) }]);
  const archive = await save([toSave(['big:latest'], [big])]);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const chunks: Buffer[] = [];
  for (let off = 0; off < archive.length; off += 65536) chunks.push(archive.subarray(off, off + 65536));
  const r = await readImageArchive(Readable.from(chunks), join(dir, 'x'));
  await r.cleanup();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(r.images.length, 1);
  assert.deepEqual(warnings.filter((w) => w.includes('MaxListenersExceeded')), []);
});
