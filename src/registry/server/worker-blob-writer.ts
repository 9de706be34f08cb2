// Blob writers whose file writes and sha256 run on worker threads (see ingest-worker.ts), for
// uploads: the main thread only receives. They keep the content store's contract: an ingest
// file named like the store's own (so either kind can resume it), fsync before the rename, and
// nothing visible until commit has verified the digest.
import { availableParallelism } from 'node:os';
import { unlink } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { BlobInfo, BlobWriter, IngestOptions } from '../../content/content-store.js';
import type { LocalContentStore } from '../../content/local-store.js';
import { type Digest, digestAlgorithm } from '../../oci/digest.js';
import type { IngestReply, IngestRequest } from './ingest-worker.js';

/** Chunks are handed to the worker in batches of about this many bytes. */
const BATCH_BYTES = 1 << 20;
/** Bytes handed over but not yet written: past this, the writer applies backpressure. */
const MAX_IN_FLIGHT = 8 << 20;

interface PooledWorker {
  worker: Worker;
  /** Open ingests on this worker (the worker keeps the process alive while there are any). */
  active: number;
  listeners: Map<number, (r: IngestReply) => void>;
}

/** A few worker threads shared by all uploads of a registry. */
export class IngestWorkers {
  private readonly pool: PooledWorker[] = [];
  private nextId = 1;
  private readonly size: number;

  constructor(private readonly store: LocalContentStore, size?: number) {
    // One core stays for the event loop.
    this.size = size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  }

  /** A writer for a new or resumed (`opts.ref`) ingest. Its chunks' memory moves to the worker: callers must not reuse them. */
  async writer(opts: IngestOptions = {}): Promise<BlobWriter & { suspend(): Promise<void> }> {
    const pw = this.pick();
    const id = this.nextId++;
    const path = this.store.ingestPath(opts.ref);
    const algorithm = opts.expected ? digestAlgorithm(opts.expected) : 'sha256';
    const channel = new IngestChannel(this, pw, id);
    const opened = await channel.request({ op: 'open', id, path, algorithm, resume: opts.ref !== undefined });
    if (opened.op !== 'opened') throw new Error('ingest worker: unexpected reply');
    return new WorkerBlobWriter(this.store, channel, path, opened.offset, opts);
  }

  /** Starts a worker ahead of the first upload (starting one takes tens of milliseconds). */
  prestart(): void {
    if (this.pool.length === 0) this.spawn();
  }

  /** Stops the workers (open ingests fail). */
  async close(): Promise<void> {
    const all = this.pool.splice(0);
    await Promise.all(all.map((pw) => pw.worker.terminate()));
  }

  retain(pw: PooledWorker): void {
    if (pw.active++ === 0) pw.worker.ref();
  }

  release(pw: PooledWorker): void {
    if (--pw.active === 0) pw.worker.unref();
  }

  private pick(): PooledWorker {
    if (this.pool.length < this.size) return this.spawn();
    return this.pool.reduce((a, b) => (b.active < a.active ? b : a));
  }

  private spawn(): PooledWorker {
    const worker = new Worker(new URL('./ingest-worker.js', import.meta.url));
    worker.unref();
    const pw: PooledWorker = { worker, active: 0, listeners: new Map() };
    worker.on('message', (r: IngestReply) => pw.listeners.get(r.id)?.(r));
    const fail = (message: string) => {
      const i = this.pool.indexOf(pw);
      if (i !== -1) this.pool.splice(i, 1);
      for (const [id, l] of pw.listeners) l({ op: 'failed', id, during: 'write', message });
      pw.listeners.clear();
    };
    worker.on('error', (err) => fail(`ingest worker failed: ${err.message}`));
    worker.on('exit', () => fail('ingest worker exited'));
    this.pool.push(pw);
    return pw;
  }
}

/** One ingest's link to its worker: requests awaiting a reply, and a sink for 'written' reports. */
class IngestChannel {
  private waiter: { resolve: (r: IngestReply) => void; reject: (e: Error) => void } | undefined;
  onWritten: (bytes: number) => void = () => undefined;
  onFailure: (err: Error) => void = () => undefined;
  private closed = false;

  constructor(private readonly workers: IngestWorkers, private readonly pw: PooledWorker, readonly id: number) {
    pw.listeners.set(id, (r) => this.receive(r));
    workers.retain(pw);
  }

  post(msg: IngestRequest, transfer?: ArrayBuffer[]): void {
    this.pw.worker.postMessage(msg, transfer);
  }

  /** Sends a request that gets one reply (open, finish, close); ends the channel after finish/close. */
  request(msg: IngestRequest): Promise<IngestReply> {
    return new Promise<IngestReply>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.post(msg);
    });
  }

  private receive(r: IngestReply): void {
    if (r.op === 'written') {
      this.onWritten(r.bytes);
      return;
    }
    const err = r.op === 'failed' ? Object.assign(new Error(r.message), r.code ? { code: r.code } : {}) : undefined;
    if (r.op === 'failed' && r.during === 'write') this.onFailure(err!);
    if (r.op !== 'opened' || err) this.end();
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (err) w.reject(err);
      else w.resolve(r);
    }
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.pw.listeners.delete(this.id);
    this.workers.release(this.pw);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function ownedArrayBuffer(c: Uint8Array): ArrayBuffer | undefined {
  const b = c.buffer;
  return b instanceof ArrayBuffer && c.byteOffset === 0 && c.byteLength === b.byteLength ? b : undefined;
}

class WorkerBlobWriter extends Writable implements BlobWriter {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private inFlight = 0;
  private flushScheduled = false;
  private blocked: ((err?: Error | null) => void) | undefined;
  private draining: ((err?: Error | null) => void) | undefined;
  private failure: Error | undefined;
  private done = false;
  private received = 0;

  constructor(
    private readonly store: LocalContentStore,
    private readonly channel: IngestChannel,
    private readonly path: string,
    readonly offset: number,
    private readonly opts: IngestOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.received = offset;
    channel.onWritten = (bytes) => {
      this.inFlight -= bytes;
      if (this.blocked && this.inFlight + this.batchBytes < MAX_IN_FLIGHT) {
        const cb = this.blocked;
        this.blocked = undefined;
        cb();
      }
      if (this.draining && this.inFlight === 0) {
        const cb = this.draining;
        this.draining = undefined;
        cb();
      }
    };
    channel.onFailure = (err) => {
      this.failure ??= err;
      const cb = this.blocked ?? this.draining;
      this.blocked = this.draining = undefined;
      if (cb) cb(err);
      else this.destroy(err);
    };
  }

  /** Bytes received so far, resumed ones included. */
  get size(): number {
    return this.received;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.add(chunk);
    this.after(cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    for (const c of chunks) this.add(c.chunk);
    this.after(cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    this.flush();
    if (this.inFlight === 0) cb();
    else this.draining = cb;
  }

  private add(chunk: Uint8Array): void {
    // A chunk that does not own its memory alone is copied; the rest move without a copy.
    const own = ownedArrayBuffer(chunk) ? chunk : new Uint8Array(chunk);
    this.batch.push(own);
    this.batchBytes += own.byteLength;
    this.received += own.byteLength;
  }

  private after(cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    if (this.batchBytes >= BATCH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      // A partial batch goes at the end of this turn of the event loop (the socket may be idle).
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (!this.failure && !this.channel.isClosed) this.flush();
      });
    }
    if (this.inFlight + this.batchBytes >= MAX_IN_FLIGHT) this.blocked = cb;
    else cb();
  }

  private flush(): void {
    if (this.batchBytes === 0) return;
    const chunks = this.batch;
    this.inFlight += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.channel.post({ op: 'write', id: this.channel.id, chunks }, chunks.map((c) => c.buffer as ArrayBuffer));
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
    let r: Awaited<ReturnType<typeof this.channel.request>>;
    try {
      r = await this.channel.request({ op: 'finish', id: this.channel.id });
      if (r.op !== 'finished') throw new Error('ingest worker: unexpected reply');
    } catch (err) {
      await unlink(this.path).catch(() => undefined);
      throw err;
    }
    return this.store.commitVerified(this.path, r.digest as Digest, r.size as number, { digest: expected ?? this.opts.expected, size: this.opts.expectedSize });
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.destroy();
    await this.closeChannel();
    await unlink(this.path).catch(() => undefined);
  }

  /** Leaves the partial data for a later resume (same `ref`). */
  async suspend(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.destroyed && !this.writableFinished) await new Promise<void>((resolve) => this.end(() => resolve()));
    await this.closeChannel();
  }

  private async closeChannel(): Promise<void> {
    if (this.channel.isClosed) return;
    await this.channel.request({ op: 'close', id: this.channel.id }).catch(() => undefined);
  }
}
