// sha256 of a file's bytes as they stream in, computed on libuv's thread pool by the project's
// native addon (native/sha256_async.c) while the event loop goes on reading the request. One
// batch of Buffers per file is on the pool at a time (the bytes are hashed in order); chunks that
// come meanwhile wait for the next batch. The Buffers are not copied: the caller must not change
// them. Where the addon is missing, node:crypto hashes on the event loop as before.
import { createHash } from 'node:crypto';
import type { Digest } from '../../oci/digest.js';
import { addonPart } from '../../sys/native-addon.js';

interface Sha256Addon {
  sha256New(): object;
  sha256Update(handle: object, buffers: Buffer[], done: (ok: boolean) => void): void;
  sha256Final(handle: object): string;
}

let addon: Sha256Addon | null | undefined;
function sha256Addon(): Sha256Addon | null {
  if (addon === undefined) addon = addonPart<Sha256Addon>(['sha256New', 'sha256Update', 'sha256Final']);
  return addon;
}

export interface StreamHasher {
  update(buf: Buffer): void;
  /** The digest of everything given to update (called once, after the last update). */
  digest(): Promise<Digest>;
}

const BATCH_BYTES = 512 << 10;

class PoolHasher implements StreamHasher {
  private readonly handle: object;
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private busy = false;
  private failed = false;
  private onIdle?: () => void;

  constructor(private readonly native: Sha256Addon) {
    this.handle = native.sha256New();
  }

  update(buf: Buffer): void {
    this.waiting.push(buf);
    this.waitingBytes += buf.length;
    // Each trip to the pool costs a thread wake-up: chunks go in batches of a few hundred KiB.
    if (!this.busy && this.waitingBytes >= BATCH_BYTES) this.send();
  }

  private send(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.waitingBytes = 0;
    this.busy = true;
    this.native.sha256Update(this.handle, batch, (ok) => {
      this.busy = false;
      if (!ok) this.failed = true;
      if (this.waitingBytes >= BATCH_BYTES || (this.onIdle && this.waiting.length)) this.send();
      else this.onIdle?.();
    });
  }

  async digest(): Promise<Digest> {
    if (this.busy || this.waiting.length) {
      const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
      if (!this.busy) this.send();
      await idle;
    }
    if (this.failed) throw new Error('sha256 failed on the thread pool');
    return `sha256:${this.native.sha256Final(this.handle)}` as Digest;
  }
}

class LoopHasher implements StreamHasher {
  private readonly hash = createHash('sha256');
  update(buf: Buffer): void {
    this.hash.update(buf);
  }
  async digest(): Promise<Digest> {
    return `sha256:${this.hash.digest('hex')}` as Digest;
  }
}

/**
 * A sha256 of a stream of `size` bytes: on the thread pool when the addon is there and the file
 * is big enough to pay for the trips (a small file hashes faster than a thread wakes up).
 */
export function streamHasher(size: number): StreamHasher {
  const native = size < BATCH_BYTES || process.env.BERTH_POOL_SHA256 === '0' ? null : sha256Addon();
  return native ? new PoolHasher(native) : new LoopHasher();
}
