// Upload writers whose writes and hashing run on a worker thread: resume after suspend, chunks
// that share memory with others (copied, left intact), digest mismatch, abort, and the worker not
// keeping the process alive when idle (the test runner would hang).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalContentStore } from '../../../../src/content/local-store.js';
import type { Digest } from '../../../../src/oci/digest.js';
import { IngestWorkers } from '../../../../src/registry/server/worker-blob-writer.js';
import { sha256, tempDir } from '../../../integration/registry/server/harness.js';

async function write(w: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
}

test('worker blob writer: resume, shared-memory chunks, mismatch, abort', async (t) => {
  const store = await new LocalContentStore(tempDir(t)).init();
  const workers = new IngestWorkers(store, 1);
  t.after(() => workers.close());
  const data = randomBytes(3 << 20);

  const w1 = await workers.writer({ ref: 'upload-1' });
  assert.equal(w1.offset, 0);
  // Small pooled buffers share one ArrayBuffer: they must be copied, not moved.
  const small = Buffer.from(data.subarray(0, 1000));
  const smallCopy = Buffer.from(small);
  await write(w1, small);
  assert.ok(small.equals(smallCopy), 'a chunk sharing memory is left intact');
  await write(w1, data.subarray(1000, 1 << 20)); // a view into a larger buffer
  await w1.suspend();

  const w2 = await workers.writer({ ref: 'upload-1' });
  assert.equal(w2.offset, 1 << 20);
  for (let off = 1 << 20; off < data.length; off += 65536) await write(w2, new Uint8Array(data.subarray(off, off + 65536)));
  await assert.rejects(w2.commit(sha256('other') as Digest), /digest mismatch/);
  assert.deepEqual(readdirSync(store.ingestDir), [], 'a refused ingest is removed');

  const w3 = await workers.writer({ expected: sha256(data) as Digest });
  for (let off = 0; off < data.length; off += 100_000) await write(w3, new Uint8Array(data.subarray(off, off + 100_000)));
  const info = await w3.commit();
  assert.deepEqual(info, { digest: sha256(data), size: data.length });
  assert.ok(readFileSync(store.blobPath(info.digest)).equals(data));

  const w4 = await workers.writer({ ref: 'upload-2' });
  await write(w4, new Uint8Array(data.subarray(0, 5000)));
  const path = join(store.ingestDir, readdirSync(store.ingestDir)[0]!);
  assert.ok(existsSync(path));
  await w4.abort();
  assert.ok(!existsSync(path), 'abort removes the ingest file');
});

test('worker blob writer: concurrent ingests on one worker stay apart', async (t) => {
  const store = await new LocalContentStore(tempDir(t)).init();
  const workers = new IngestWorkers(store, 1);
  t.after(() => workers.close());
  const blobs = [0, 1, 2, 3].map(() => randomBytes((2 << 20) + 777));
  const infos = await Promise.all(
    blobs.map(async (data, i) => {
      const w = await workers.writer({ ref: `concurrent-${i}` });
      for (let off = 0; off < data.length; off += 65536) await write(w, new Uint8Array(data.subarray(off, off + 65536)));
      return w.commit(sha256(data) as Digest);
    }),
  );
  for (const [i, info] of infos.entries()) assert.ok(readFileSync(store.blobPath(info.digest)).equals(blobs[i]!));
});
