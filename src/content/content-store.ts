// The content store's small interfaces (after containerd's): read, write, manage.
import type { Readable, Writable } from 'node:stream';
import type { Digest } from '../oci/digest.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ContentProvider {
  /** Size of a committed blob, or undefined when absent. */
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** Reads a committed blob, optionally a byte range (inclusive `end`, as in HTTP). */
  reader(digest: Digest, range?: { start: number; end?: number }): Readable;
  readBytes(digest: Digest): Promise<Buffer>;
  /** Filesystem path of a committed blob (for zero-copy serving). */
  blobPath(digest: Digest): string;
}

export interface IngestOptions {
  /** When given, commit refuses any other digest. */
  expected?: Digest;
  /** When given, commit refuses any other size. */
  expectedSize?: number;
  /** A name to resume a partial ingest under (e.g. the layer digest). */
  ref?: string;
}

/** A blob being written. Nothing is visible in the store until `commit` verifies and renames. */
export interface BlobWriter extends Writable {
  /** Bytes already written (non-zero when a partial ingest was resumed). */
  readonly offset: number;
  /** `expected` (when given) is checked like IngestOptions.expected: for digests known only at the end. */
  commit(expected?: Digest): Promise<BlobInfo>;
  abort(): Promise<void>;
}

export interface ContentIngester {
  writer(opts?: IngestOptions): Promise<BlobWriter>;
  /** Writes a whole buffer and commits it. */
  put(data: Uint8Array | string, expected?: Digest): Promise<BlobInfo>;
}

export interface ContentManager {
  delete(digest: Digest): Promise<void>;
  list(): AsyncIterable<BlobInfo>;
  /** Writes not (yet) committed: in progress, or left by a crash. */
  ingests(): AsyncIterable<IngestInfo>;
  /** Drops an ingest by the name `ingests()` gave (`berth system check --repair`). */
  removeIngest(name: string): Promise<void>;
}

export interface IngestInfo {
  name: string;
  size: number;
  updated: Date;
}

export type ContentStore = ContentProvider & ContentIngester & ContentManager;
