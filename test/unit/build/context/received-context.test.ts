// A context received into memory must read exactly as the same context written to disk: same
// source resolution, same content digests (so cache keys do not depend on where it is held),
// the same tree once materialized, and .dockerignore applied to it alike.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { packContext, unpackContext } from '../../../../src/build/context/context-tar.js';
import { ReceivedContext } from '../../../../src/build/context/received-context.js';
import { collectEntries, digestEntries } from '../../../../src/build/context/content-digest.js';
import { resolveCopySources } from '../../../../src/build/context/copy-sources.js';
import { applyDockerignore } from '../../../../src/build/apply-dockerignore.js';
import { contextChunks } from '../../../../src/build/context-chunks.js';
import { gzipSync } from 'node:zlib';

const tmp = mkdtempSync(join(tmpdir(), 'berth-received-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function makeTree(root: string): string {
  const files: Record<string, string> = {
    'Dockerfile': 'FROM scratch\nCOPY . /\n',
    '.dockerignore': '*.log\nsecrets\n!secrets/public.pem\n',
    'main.go': 'package main\n',
    'debug.log': 'x',
    'secrets/private.key': 'k',
    'secrets/public.pem': 'p',
    'sub/dir/file.txt': 'deep',
    'big.bin': 'z'.repeat(300_000),
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(join(root, 'empty'));
  chmodSync(join(root, 'main.go'), 0o755);
  symlinkSync('sub/dir/file.txt', join(root, 'link'));
  linkSync(join(root, 'main.go'), join(root, 'main-hardlink.go'));
  return root;
}

const src = makeTree(join(tmp, 'src'));
const tarBytes = await buffer(packContext(src));
const parts = (): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < tarBytes.length; i += 7000) out.push(tarBytes.subarray(i, i + 7000));
  return out;
};
const ALL = ['.'];
const GLOBS = ['*.go', 'sub', 'link', 'secrets/*.pem', 'big.bin'];

test('in memory and on disk: same sources, same digests, same tree once written', async () => {
  const diskDir = mkdtempSync(join(tmp, 'disk-'));
  await unpackContext(Readable.from(parts()), diskDir);
  const memDir = mkdtempSync(join(tmp, 'mem-'));
  const mem = await ReceivedContext.receive(Readable.from(parts()), memDir);
  assert.equal(mem.onDisk, false);
  assert.deepEqual(await resolveCopySources(mem.reader(), GLOBS), await resolveCopySources(diskDir, GLOBS));
  const memDigest = await digestEntries(mem.reader(), ALL);
  assert.equal(memDigest, await digestEntries(diskDir, ALL));
  assert.equal((await mem.readFile('Dockerfile'))?.toString(), 'FROM scratch\nCOPY . /\n');
  assert.equal((await mem.readFile('link'))?.toString(), 'deep', 'a symlink is followed');
  assert.equal(await mem.readFile('nope'), undefined);
  assert.equal(await mem.readFile('../etc/passwd'), undefined);

  await mem.materialize();
  assert.equal(mem.onDisk, true);
  assert.deepEqual(await collectEntries(memDir, ALL), await collectEntries(diskDir, ALL));
  assert.equal(await digestEntries(mem.reader(), ALL), memDigest);
  assert.equal(readlinkSync(join(memDir, 'link')), 'sub/dir/file.txt');
  assert.equal(lstatSync(join(memDir, 'main-hardlink.go')).ino, lstatSync(join(memDir, 'main.go')).ino);
  assert.equal(lstatSync(join(memDir, 'main.go')).mtimeMs, lstatSync(join(diskDir, 'main.go')).mtimeMs);
  assert.equal(readFileSync(join(memDir, 'big.bin'), 'utf8').length, 300_000);
});

test('.dockerignore removes the same entries in memory as on disk', async () => {
  const diskDir = mkdtempSync(join(tmp, 'disk-'));
  await unpackContext(Readable.from(parts()), diskDir);
  await applyDockerignore(diskDir, 'Dockerfile');
  const memDir = mkdtempSync(join(tmp, 'mem-'));
  const mem = await ReceivedContext.receive(Readable.from(parts()), memDir);
  await applyDockerignore(mem, 'Dockerfile');
  assert.equal(await digestEntries(mem.reader(), ALL), await digestEntries(diskDir, ALL));
  await mem.materialize();
  for (const p of ['debug.log', 'secrets/private.key']) assert.ok(!existsSync(join(memDir, p)), p);
  for (const p of ['secrets/public.pem', 'main.go', 'empty']) assert.ok(existsSync(join(memDir, p)), p);
  assert.deepEqual(await collectEntries(memDir, ALL), await collectEntries(diskDir, ALL));
});

test('a context over the memory budget (bytes or entries) goes to disk as it arrives, digests unchanged', async () => {
  const diskDir = mkdtempSync(join(tmp, 'disk-'));
  await unpackContext(Readable.from(parts()), diskDir);
  for (const opts of [{ memoryBudget: 1000 }, { maxEntries: 4 }]) {
    const memDir = mkdtempSync(join(tmp, 'spill-'));
    const ctx = await ReceivedContext.receive(Readable.from(parts()), memDir, opts);
    assert.equal(ctx.onDisk, true);
    assert.equal(await digestEntries(ctx.reader(), ALL), await digestEntries(diskDir, ALL));
    assert.deepEqual(await collectEntries(memDir, ALL), await collectEntries(diskDir, ALL));
  }
});

test('request bytes: gzip inflated, a tar cut short padded to a whole archive', async () => {
  // The CLI may send a tar without its end blocks: cut them off (and the last file's padding).
  const cut = tarBytes.subarray(0, tarBytes.length - 1024 - 100);
  for (const body of [[gzipSync(tarBytes)], [cut]]) {
    const dir = mkdtempSync(join(tmp, 'req-'));
    const ctx = await ReceivedContext.receive(contextChunks(Readable.from(body)), dir);
    assert.ok(await ctx.readFile('Dockerfile'));
  }
  await assert.rejects(async () => {
    for await (const _ of contextChunks(Readable.from([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])]))) void _;
  }, /unsupported context compression: zstd/);
});
