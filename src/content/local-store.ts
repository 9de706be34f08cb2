// Blobs by digest on local disk: <root>/blobs/<alg>/<hex>, ingests under <root>/ingest.
import { createReadStream, createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { type Digest, Digester, digestAlgorithm, digestHex, digestOf, isDigest } from '../oci/digest.js';
import { DigestMismatchError, InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { fsyncDir } from '../fsutil/atomic-write.js';
import { verifyIngest } from './verify-ingest.js';
import type { BlobInfo, BlobWriter, ContentStore, IngestInfo, IngestOptions } from './content-store.js';

export class LocalContentStore implements ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.ingestDir = join(root, 'ingest');
  }

  async init(): Promise<this> {
    await mkdir(join(this.blobsDir, 'sha256'), { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
    return this;
  }

  blobPath(digest: Digest): string {
    // The brand is only a cast away: a digest from outside (a manifest) must not name a path.
    if (!isDigest(digest)) throw new InvalidArgumentError(`invalid digest ${JSON.stringify(digest)}`);
    return join(this.blobsDir, digestAlgorithm(digest), digestHex(digest));
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await stat(this.blobPath(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  reader(digest: Digest, range?: { start: number; end?: number }): Readable {
    return createReadStream(this.blobPath(digest), range ? { start: range.start, end: range.end } : {});
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`blob ${digest} not found`);
      throw err;
    }
  }

  async put(data: Uint8Array | string, expected?: Digest): Promise<BlobInfo> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = digestOf(buf, expected ? digestAlgorithm(expected) : 'sha256');
    if (expected && expected !== digest) throw new DigestMismatchError(`digest mismatch: expected ${expected}, got ${digest}`);
    const existing = await this.info(digest);
    if (existing) return existing;
    const w = await this.writer({ expected: digest });
    await new Promise<void>((resolve, reject) => w.end(buf, (err?: Error | null) => (err ? reject(err) : resolve())));
    return w.commit();
  }

  /** Where an ingest lives: named by `ref` (so it can be resumed), else a fresh random name. */
  ingestPath(ref?: string): string {
    const name = ref ? createHash('sha256').update(ref).digest('hex').slice(0, 32) : randomBytes(16).toString('hex');
    return join(this.ingestDir, name);
  }

  async writer(opts: IngestOptions = {}): Promise<BlobWriter> {
    const path = this.ingestPath(opts.ref);
    const digester = new Digester(opts.expected ? digestAlgorithm(opts.expected) : 'sha256');
    let offset = 0;
    if (opts.ref) {
      // Resume: re-hash what an earlier attempt left so the final digest covers all of it.
      try {
        for await (const chunk of createReadStream(path)) digester.update(chunk as Buffer);
        offset = digester.size;
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    const file = createWriteStream(path, { flags: offset > 0 ? 'a' : 'w', highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject));
    return new LocalBlobWriter(this, path, file, digester, offset, opts);
  }

  /**
   * The end of every writer's ingest: digest and size checked against what was expected, `beforeMove`
   * (an fsync) run, the file moved into place; a refused or failed ingest file is removed.
   */
  async commitVerified(path: string, digest: Digest, size: number, want: { digest?: Digest | undefined; size?: number | undefined }, beforeMove?: () => Promise<void>): Promise<BlobInfo> {
    try {
      verifyIngest(digest, size, { ...(want.digest ? { digest: want.digest } : {}), ...(want.size !== undefined ? { size: want.size } : {}) });
      await beforeMove?.();
      return await this.commitIngest(path, digest, size);
    } catch (err) {
      await unlink(path).catch(() => undefined);
      throw err;
    }
  }

  /** Moves a verified ingest file into place. */
  async commitIngest(path: string, digest: Digest, size: number): Promise<BlobInfo> {
    const target = this.blobPath(digest);
    await mkdir(join(this.blobsDir, digestAlgorithm(digest)), { recursive: true });
    if (await this.info(digest)) {
      await unlink(path).catch(() => undefined);
      return { digest, size };
    }
    await rename(path, target);
    await fsyncDir(join(this.blobsDir, digestAlgorithm(digest)));
    return { digest, size };
  }

  async delete(digest: Digest): Promise<void> {
    try {
      await unlink(this.blobPath(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`blob ${digest} not found`);
      throw err;
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const alg of await readdir(this.blobsDir)) {
      for (const hex of await readdir(join(this.blobsDir, alg))) {
        const digest = `${alg}:${hex}`;
        if (!isDigest(digest)) continue;
        const st = await stat(join(this.blobsDir, alg, hex)).catch(() => undefined);
        if (st) yield { digest, size: st.size };
      }
    }
  }

  async *ingests(): AsyncIterable<IngestInfo> {
    for (const name of await readdir(this.ingestDir).catch(() => [] as string[])) {
      const st = await stat(join(this.ingestDir, name)).catch(() => undefined);
      if (st) yield { name, size: st.size, updated: st.mtime };
    }
  }

  async removeIngest(name: string): Promise<void> {
    if (name.includes('/') || name === '..' || name === '.') throw new InvalidArgumentError(`invalid ingest name ${JSON.stringify(name)}`);
    await rm(join(this.ingestDir, name), { force: true, recursive: true });
  }

  /** Removes ingest files untouched for `maxAgeMs` (left by crashes or abandoned uploads). */
  async cleanStaleIngests(maxAgeMs: number): Promise<number> {
    let removed = 0;
    const now = Date.now();
    for (const name of await readdir(this.ingestDir).catch(() => [] as string[])) {
      const p = join(this.ingestDir, name);
      const st = await stat(p).catch(() => undefined);
      if (st && now - st.mtimeMs > maxAgeMs) {
        await rm(p, { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }
}

/** Bytes written between background flushes of a large ingest. */
const SYNC_EVERY = 32 << 20;

class LocalBlobWriter extends Writable implements BlobWriter {
  private done = false;
  private unsynced = 0;

  constructor(
    private readonly store: LocalContentStore,
    private readonly path: string,
    private readonly file: WriteStream,
    private readonly digester: Digester,
    readonly offset: number,
    private readonly opts: IngestOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.digester.update(chunk);
    this.unsynced += chunk.length;
    const fd = (this.file as unknown as { fd: number | null }).fd;
    if (this.unsynced >= SYNC_EVERY && typeof fd === 'number') {
      // Flush to disk as we go, off the event loop, so the fsync at commit has little left to do.
      this.unsynced = 0;
      fdatasync(fd, () => undefined);
    }
    if (!this.file.write(chunk)) this.file.once('drain', () => cb());
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.file.end(() => cb());
  }

  get size(): number {
    return this.digester.size;
  }

  async commit(expected?: Digest): Promise<BlobInfo> {
    if (this.done) throw new Error('blob writer already finished');
    if (!this.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        this.once('error', reject);
        this.end(() => resolve());
      });
    }
    this.done = true;
    const digest = this.digester.digest();
    const size = this.digester.size;
    return this.store.commitVerified(this.path, digest, size, { digest: expected ?? this.opts.expected, size: this.opts.expectedSize }, async () => {
      const fh = await open(this.path, 'r+');
      await fh.sync();
      await fh.close();
    });
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.destroy();
    this.file.destroy();
    await unlink(this.path).catch(() => undefined);
  }

  /** Leaves the partial data for a later resume (same `ref`). */
  async suspend(): Promise<void> {
    this.done = true;
    await new Promise<void>((resolve) => this.file.end(() => resolve()));
  }
}
