// Blob upload sessions. A session is a row in the metadata (so it survives a restart) and an
// ingest file in the content store named by the session id; its writer stays open in memory
// between PATCH requests, and is reopened (re-hashing what is there) after a restart.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { BlobInfo, BlobWriter } from '../../content/content-store.js';
import type { Digest } from '../../oci/digest.js';
import { RegistryError, uploadUnknown } from './registry-error.js';
import type { RegistryStorage } from './storage.js';

export interface UploadSession {
  readonly id: string;
  readonly repo: string;
  writer: BlobWriter;
  /** Bytes received so far. */
  offset: number;
  /** Set while a request is writing, so a second one cannot interleave. */
  busy: boolean;
}

export class UploadSessions {
  private readonly open = new Map<string, UploadSession>();

  constructor(private readonly storage: RegistryStorage, private readonly maxBlobBytes: number) {}

  async create(repo: string): Promise<UploadSession> {
    const id = randomUUID();
    this.storage.meta.insertUpload(id, repo);
    const writer = await this.storage.uploadWriter({ ref: id });
    const s: UploadSession = { id, repo, writer, offset: writer.offset, busy: false };
    this.open.set(id, s);
    return s;
  }

  /** The session `id` of `repo`; throws BLOB_UPLOAD_UNKNOWN when there is none. */
  async get(repo: string, id: string): Promise<UploadSession> {
    const s = this.open.get(id);
    if (s) {
      if (s.repo !== repo) throw uploadUnknown(id);
      return s;
    }
    const row = this.storage.meta.upload(id);
    if (!row || row.repo !== repo) throw uploadUnknown(id);
    // After a restart: reopen the partial data (the writer re-hashes it).
    const writer = await this.storage.uploadWriter({ ref: id });
    const again = this.open.get(id);
    if (again) {
      // Another request reopened it meanwhile; keep theirs.
      await writer.suspend();
      return again;
    }
    const reopened: UploadSession = { id, repo, writer, offset: writer.offset, busy: false };
    this.open.set(id, reopened);
    return reopened;
  }

  /** Appends a request body to the session; `limit` caps what this body may carry. */
  async append(s: UploadSession, body: Readable): Promise<void> {
    if (s.busy) throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', 'another request is writing to this upload', undefined, {
      Range: rangeHeader(s.offset),
    });
    s.busy = true;
    try {
      await writeBody(body, s.writer, this.maxBlobBytes > 0 ? this.maxBlobBytes - s.offset : Infinity, (n) => {
        s.offset += n;
      });
      this.storage.meta.touchUpload(s.id);
    } finally {
      s.busy = false;
    }
  }

  /** Verifies against `digest` and commits; the session ends either way. */
  async finish(s: UploadSession, digest: Digest): Promise<BlobInfo> {
    if (s.busy) throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', 'another request is writing to this upload');
    s.busy = true;
    this.open.delete(s.id);
    try {
      return await this.storage.commitWriter(s.writer, digest, s.repo);
    } finally {
      this.storage.meta.deleteUpload(s.id);
      await s.writer.abort().catch(() => undefined);
    }
  }

  async cancel(s: UploadSession): Promise<void> {
    this.open.delete(s.id);
    this.storage.meta.deleteUpload(s.id);
    await s.writer.abort();
  }

  /** Purges sessions idle for longer than `maxIdleMs`, with their data. Returns how many. */
  async purgeIdle(maxIdleMs: number): Promise<number> {
    let n = 0;
    for (const row of this.storage.meta.staleUploads(Date.now() - maxIdleMs)) {
      const s = this.open.get(row.id);
      if (s?.busy) continue;
      try {
        await this.cancel(s ?? (await this.get(row.repo, row.id)));
        n++;
      } catch {
        this.storage.meta.deleteUpload(row.id);
      }
    }
    return n;
  }

  /** Ends every open writer without removing data (server shutdown). */
  async suspendAll(): Promise<void> {
    for (const s of this.open.values()) {
      await (s.writer as BlobWriter & { suspend?: () => Promise<void> }).suspend?.().catch(() => undefined);
    }
    this.open.clear();
  }
}

/** The `Range` header of an upload: bytes received, inclusive (`0-0` when none yet, as registries do). */
export function rangeHeader(offset: number): string {
  return `0-${offset > 0 ? offset - 1 : 0}`;
}

/**
 * Streams a request body into a writer with backpressure; throws 413 past `limit` bytes.
 * Chunks go to the writer as they come (no gathering copy): the writer's file stream batches
 * whatever queues up while a disk write is in flight into one writev.
 */
export async function writeBody(body: Readable, writer: BlobWriter, limit: number, onBytes?: (n: number) => void): Promise<number> {
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limit) {
      // The server closes the connection once the 413 is sent (the rest of the body is not read).
      throw new RegistryError(413, 'SIZE_INVALID', 'blob exceeds the size limit of this registry');
    }
    onBytes?.(buf.length);
    if (!writer.write(buf)) await once(writer, 'drain');
  }
  return total;
}
