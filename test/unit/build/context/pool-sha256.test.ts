// Files hashed on the thread pool (native/sha256_async.c) must get node:crypto's digest, whatever
// the chunking, and a received context's big files (and hard links to them) the digests the same
// tree has on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamHasher } from '../../../../src/build/context/pool-sha256.js';
import { packContext } from '../../../../src/build/context/context-tar.js';
import { ReceivedContext } from '../../../../src/build/context/received-context.js';
import { directoryTree } from '../../../../src/build/context/tree-reader.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-pool-sha-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('pool sha256 equals node:crypto for any chunking', async () => {
  const data = randomBytes(3 << 20);
  const want = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  for (const step of [1000, 65536, 700_001, data.length]) {
    const h = streamHasher(data.length);
    for (let i = 0; i < data.length; i += step) {
      h.update(data.subarray(i, i + step));
      if (i === 0) h.update(Buffer.alloc(0));
    }
    assert.equal(await h.digest(), want, `chunks of ${step}`);
  }
  const empty = streamHasher(1 << 20);
  assert.equal(await empty.digest(), `sha256:${createHash('sha256').digest('hex')}`);
});

test('a received context digests big files and their hard links as the disk does', async () => {
  const src = join(tmp, 'src');
  mkdirSync(join(src, 'big'), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(src, 'big', `f${i}.bin`), randomBytes((1 << 20) + i * 333));
  linkSync(join(src, 'big', 'f1.bin'), join(src, 'link.bin'));
  writeFileSync(join(src, 'small.txt'), 'small\n');
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  const ctx = await ReceivedContext.receive(packContext(src), dir);
  assert.equal(ctx.onDisk, false);
  const mem = ctx.reader();
  const disk = directoryTree(src);
  for (const rel of ['big/f0.bin', 'big/f1.bin', 'big/f2.bin', 'link.bin', 'small.txt']) assert.equal(await mem.fileDigest(rel), await disk.fileDigest(rel), rel);
  await ctx.materialize();
  assert.equal(await ctx.reader().fileDigest('link.bin'), await disk.fileDigest('link.bin'));
});
