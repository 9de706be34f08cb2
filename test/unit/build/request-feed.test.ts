// The request feed gives the tar reader the same bytes contextChunks does: a plain tar by events
// (padded the same way), a gzip one inflated through contextChunks, other compressions refused,
// and a request that ends early fails the read.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { packContext } from '../../../src/build/context/context-tar.js';
import { ReceivedContext } from '../../../src/build/context/received-context.js';
import { requestFeed } from '../../../src/build/request-feed.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-feed-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const src = join(tmp, 'src');
mkdirSync(join(src, 'sub'), { recursive: true });
writeFileSync(join(src, 'Dockerfile'), 'FROM scratch\n');
writeFileSync(join(src, 'sub', 'big.bin'), Buffer.alloc(700_000, 7));

/** A request-like stream that sends `data` in chunks of `step` bytes, then ends (or breaks). */
function requestOf(data: Buffer, step: number, breakAt?: number): PassThrough {
  const req = new PassThrough();
  void (async () => {
    for (let i = 0; i < data.length; i += step) {
      if (breakAt !== undefined && i >= breakAt) {
        req.destroy();
        return;
      }
      if (!req.write(data.subarray(i, i + step))) await new Promise((r) => req.once('drain', r));
    }
    req.end();
  })();
  return req;
}

test('plain and gzip tars read alike through the feed', async () => {
  const tar = await buffer(packContext(src));
  // The CLI's tar for an outside Dockerfile has no end blocks: cut them off too.
  const trimmed = tar.subarray(0, tar.length - 1024);
  for (const [name, body, step] of [['plain', tar, 32768], ['no end blocks', trimmed, 5000], ['gzip', gzipSync(tar), 4096]] as const) {
    const ctx = await ReceivedContext.receive(requestFeed(requestOf(body, step)), mkdtempSync(join(tmp, 'ctx-')));
    assert.equal((await ctx.readFile('Dockerfile'))?.toString(), 'FROM scratch\n', name);
    assert.equal((await ctx.readFile('sub/big.bin'))?.length, 700_000, name);
  }
});

test('a refused compression and an early end fail the read', async () => {
  const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100)]);
  await assert.rejects(ReceivedContext.receive(requestFeed(requestOf(zstd, 50)), mkdtempSync(join(tmp, 'ctx-'))), /zstd/);
  const tar = await buffer(packContext(src));
  await assert.rejects(ReceivedContext.receive(requestFeed(requestOf(tar, 16384, 300_000)), mkdtempSync(join(tmp, 'ctx-'))));
});
