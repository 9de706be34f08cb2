// The conformance suite every ContentStore implementation runs (after containerd's content
// testsuite): ingest → verify → commit, reads whole and by range, delete and list, digests and
// sizes that do not match refused, and what a crash in the middle of an ingest leaves behind.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import type { BlobInfo, BlobWriter, ContentStore } from '../../../src/content/content-store.js';
import { DigestMismatchError, NotFoundError } from '../../../src/errors.js';
import { type Digest, digestOf } from '../../../src/oci/digest.js';

export interface ContentStoreFixture {
  store: ContentStore;
  /** The same store opened again, as after a daemon restart (or a crash). */
  reopen(): Promise<ContentStore>;
}

async function listed(store: ContentStore): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const b of store.list()) out.push(b);
  return out.sort((a, b) => a.digest.localeCompare(b.digest));
}

/** Writes `chunks` and waits until the writer has taken all of them (the stream finished). */
async function writeAll(w: BlobWriter, chunks: Buffer[]): Promise<void> {
  for (const c of chunks) if (!w.write(c)) await new Promise((resolve) => w.once('drain', resolve));
  await new Promise<void>((resolve, reject) => w.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Runs the suite; `make` builds a fresh, empty store for each test and cleans it up with t.after. */
export function contentStoreSuite(name: string, make: (t: TestContext) => Promise<ContentStoreFixture>): void {
  test(`${name}: put, info, read whole and by range, list`, async (t) => {
    const { store } = await make(t);
    const data = Buffer.from('hello, content store');
    const digest = digestOf(data);
    assert.equal(await store.info(digest), undefined, 'absent before');
    assert.deepEqual(await store.put(data), { digest, size: data.length });
    assert.deepEqual(await store.info(digest), { digest, size: data.length });
    assert.deepEqual(await store.readBytes(digest), data);
    assert.deepEqual(await buffer(store.reader(digest)), data);
    assert.deepEqual(await buffer(store.reader(digest, { start: 7, end: 13 })), data.subarray(7, 14), 'the range end is inclusive');
    assert.deepEqual(await buffer(store.reader(digest, { start: 7 })), data.subarray(7));
    assert.deepEqual(readFileSync(store.blobPath(digest)), data, 'blobPath holds the bytes');
    assert.deepEqual(await store.put(data, digest), { digest, size: data.length }, 'putting it again is a no-op');
    const other = await store.put('another');
    assert.deepEqual(await listed(store), [{ digest, size: data.length }, other].sort((a, b) => a.digest.localeCompare(b.digest)));
  });

  test(`${name}: a streamed ingest is invisible until committed, and verified at commit`, async (t) => {
    const { store } = await make(t);
    const chunks = [Buffer.alloc(300_000, 1), Buffer.alloc(5, 2), Buffer.alloc(1 << 20, 3)];
    const whole = Buffer.concat(chunks);
    const digest = digestOf(whole);
    const w = await store.writer({ expected: digest, expectedSize: whole.length });
    assert.equal(w.offset, 0);
    await writeAll(w, chunks);
    assert.equal(await store.info(digest), undefined, 'not visible before commit');
    assert.deepEqual(await listed(store), []);
    assert.deepEqual(await w.commit(), { digest, size: whole.length });
    assert.deepEqual(await store.readBytes(digest), whole);
    // A digest known only at the end is given to commit.
    const late = await store.writer();
    await writeAll(late, [Buffer.from('late')]);
    assert.deepEqual(await late.commit(digestOf('late')), { digest: digestOf('late'), size: 4 });
  });

  test(`${name}: sha512 digests are kept under their own algorithm`, async (t) => {
    const { store } = await make(t);
    const digest = digestOf('five twelve', 'sha512');
    assert.deepEqual(await store.put('five twelve', digest), { digest, size: 11 });
    assert.equal((await store.readBytes(digest)).toString(), 'five twelve');
    assert.equal(await store.info(digestOf('five twelve')), undefined, 'not under its sha256');
  });

  test(`${name}: a digest or size that does not match is refused and nothing is stored`, async (t) => {
    const { store } = await make(t);
    const wrong = digestOf('something else');
    await assert.rejects(store.put('data', wrong), DigestMismatchError);
    assert.equal(await store.info(digestOf('data')), undefined);

    const w = await store.writer({ expected: wrong });
    await writeAll(w, [Buffer.from('data')]);
    await assert.rejects(w.commit(), DigestMismatchError);

    const sized = await store.writer({ expectedSize: 3 });
    await writeAll(sized, [Buffer.from('data')]);
    await assert.rejects(sized.commit(), DigestMismatchError);

    const late = await store.writer();
    await writeAll(late, [Buffer.from('data')]);
    await assert.rejects(late.commit(wrong), DigestMismatchError);

    assert.equal(await store.info(wrong), undefined);
    assert.equal(await store.info(digestOf('data')), undefined);
    assert.deepEqual(await listed(store), []);
    // The refusals leave nothing in the way of a good ingest of the same bytes.
    assert.deepEqual(await store.put('data', digestOf('data')), { digest: digestOf('data'), size: 4 });
  });

  test(`${name}: an aborted ingest leaves nothing`, async (t) => {
    const { store } = await make(t);
    const w = await store.writer();
    w.write(Buffer.from('half a blob'));
    await w.abort();
    assert.deepEqual(await listed(store), []);
    assert.equal(await store.info(digestOf('half a blob')), undefined);
  });

  test(`${name}: delete, then the blob is gone (and deleting it again is NotFound)`, async (t) => {
    const { store } = await make(t);
    const { digest } = await store.put('doomed');
    const kept = await store.put('kept');
    await store.delete(digest);
    assert.equal(await store.info(digest), undefined);
    await assert.rejects(store.readBytes(digest), NotFoundError);
    await assert.rejects(store.delete(digest), NotFoundError);
    assert.deepEqual(await listed(store), [kept]);
    // Gone means gone: the same bytes can be stored again.
    assert.deepEqual(await store.put('doomed'), { digest, size: 6 });
  });

  test(`${name}: after a crash mid-ingest, nothing half-written is visible and a named ingest resumes`, async (t) => {
    const f = await make(t);
    const whole = Buffer.concat([Buffer.alloc(70_000, 'a'), Buffer.alloc(30_000, 'b')]);
    const digest: Digest = digestOf(whole);
    const before = await f.store.put('committed before the crash');
    // Two ingests in flight when the process dies: one named (resumable), one not.
    const named = await f.store.writer({ ref: 'layer-x', expected: digest });
    await writeAll(named, [whole.subarray(0, 70_000)]);
    const anonymous = await f.store.writer();
    await writeAll(anonymous, [Buffer.from('never committed')]);

    const store = await f.reopen();
    assert.deepEqual(await listed(store), [before], 'only committed blobs survive');
    assert.equal(await store.info(digest), undefined);
    const resumed = await store.writer({ ref: 'layer-x', expected: digest });
    assert.equal(resumed.offset, 70_000, 'the named ingest resumes where it stopped');
    await writeAll(resumed, [whole.subarray(70_000)]);
    assert.deepEqual(await resumed.commit(), { digest, size: whole.length }, 'the digest covers the bytes from before the crash');
    assert.deepEqual(await store.readBytes(digest), whole);
  });
}
