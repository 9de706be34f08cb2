// The registry's storage: blob bytes in the content store (deduplicated across repositories by
// digest), metadata in SQLite, and in-memory caches that keep the manifest GET path tiny.
// One server owns a root; `gc` may run beside it (see metadata.ts for how they cooperate).
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalContentStore } from '../../content/local-store.js';
import type { BlobInfo, BlobWriter, IngestOptions } from '../../content/content-store.js';
import { type Digest, isDigest } from '../../oci/digest.js';
import { isErrno } from '../../errors.js';
import { BlobState, type ManifestRow, RegistryMetadata } from './metadata.js';
import { RegistryError } from './registry-error.js';
import { IngestWorkers } from './worker-blob-writer.js';

export interface StoredManifest {
  row: ManifestRow;
  bytes: Buffer;
}

const MAX_CACHE_ENTRIES = 50_000;
const MAX_CACHE_BYTES = 256 << 20;
/** How long a writer waits for gc to finish deleting the digest it wants to commit. */
const CLAIM_WAIT_MS = 30_000;

export class RegistryStorage {
  readonly content: LocalContentStore;
  readonly meta: RegistryMetadata;
  private readonly manifests = new Map<string, StoredManifest>();
  private manifestBytes = 0;
  private readonly tagCache = new Map<string, Digest>();
  private readonly ingestWorkers: IngestWorkers;

  private constructor(readonly root: string, content: LocalContentStore, meta: RegistryMetadata) {
    this.content = content;
    this.meta = meta;
    this.ingestWorkers = new IngestWorkers(content);
  }

  static async open(root: string): Promise<RegistryStorage> {
    await mkdir(root, { recursive: true });
    const content = await new LocalContentStore(root).init();
    const meta = new RegistryMetadata(join(root, 'registry.db'));
    return new RegistryStorage(root, content, meta);
  }

  close(): void {
    this.meta.close();
    void this.ingestWorkers.close();
  }

  /**
   * A writer for a request body being uploaded: writing and hashing run on a worker thread. The
   * chunks written move to that thread, so only bodies nothing else holds on to may go here.
   */
  uploadWriter(opts: IngestOptions): Promise<BlobWriter & { suspend(): Promise<void> }> {
    return this.ingestWorkers.writer(opts);
  }

  /** Readies what uploads use, so the first one does not wait for it. */
  prepareUploads(): void {
    this.ingestWorkers.prestart();
  }

  /**
   * Repairs what a crash can leave: claims whose commit never finished, and deletions a gc did not
   * finish. Run at server start, when no commit of this server is in flight.
   */
  async recover(): Promise<void> {
    const rows = this.meta.db.prepare('SELECT digest, state FROM blobs WHERE state <> 0').all() as Array<{ digest: Digest; state: number }>;
    for (const r of rows) {
      if (r.state === BlobState.deleting) {
        await unlink(this.content.blobPath(r.digest)).catch(() => undefined);
        this.meta.db.prepare('DELETE FROM repo_blobs WHERE digest = ?').run(r.digest);
        this.meta.db.prepare('DELETE FROM blobs WHERE digest = ? AND state = 1').run(r.digest);
        continue;
      }
      const st = await stat(this.content.blobPath(r.digest)).catch(() => undefined);
      if (st) this.meta.db.prepare('UPDATE blobs SET state = 0, size = ? WHERE digest = ?').run(st.size, r.digest);
      else this.meta.dropClaim(r.digest);
    }
  }

  // ---- blobs ----

  /**
   * Commits a verified blob under the gc protocol: claim the digest, let `commit` verify and rename,
   * then mark it present and link it into `repo`. A digest mismatch throws and stores nothing.
   */
  async commitBlob(digest: Digest, repo: string | undefined, commit: () => Promise<BlobInfo>): Promise<BlobInfo> {
    const deadline = Date.now() + CLAIM_WAIT_MS;
    let claim = this.meta.claimBlob(digest, 0);
    while (claim === 'busy') {
      if (Date.now() > deadline) throw new RegistryError(503, 'UNKNOWN', `blob ${digest} is being garbage-collected; retry`);
      await sleep(25);
      claim = this.meta.claimBlob(digest, 0);
    }
    let info: BlobInfo;
    try {
      info = await commit();
    } catch (err) {
      if (claim === 'claimed') this.meta.dropClaim(digest);
      throw err;
    }
    this.meta.finishBlob(digest, info.size, repo);
    return info;
  }

  /** Commits an upload's writer, verifying it against `digest`. */
  commitWriter(writer: BlobWriter, digest: Digest, repo: string): Promise<BlobInfo> {
    return this.commitBlob(digest, repo, () => writer.commit(digest));
  }

  /** Size of a blob readable in `repo`, or undefined. Touches old blobs so a pending push keeps them. */
  statBlob(repo: string, digest: Digest, graceMs: number): number | undefined {
    const row = this.meta.linkedBlob(repo, digest);
    if (!row) return undefined;
    const now = Date.now();
    if (now - row.touched > graceMs / 2) this.meta.touchBlob(digest, now);
    return row.size;
  }

  blobPath(digest: Digest): string {
    return this.content.blobPath(digest);
  }

  // ---- manifests ----

  private cacheManifest(m: StoredManifest): void {
    if (this.manifests.size >= MAX_CACHE_ENTRIES || this.manifestBytes + m.bytes.length > MAX_CACHE_BYTES) {
      this.manifests.clear();
      this.manifestBytes = 0;
    }
    this.manifests.set(`${m.row.repo}\0${m.row.digest}`, m);
    this.manifestBytes += m.bytes.length;
  }

  resolveTag(repo: string, tag: string): Digest | undefined {
    const key = `${repo}\0${tag}`;
    let d = this.tagCache.get(key);
    if (d === undefined) {
      d = this.meta.tag(repo, tag);
      if (d === undefined) return undefined;
      if (this.tagCache.size >= MAX_CACHE_ENTRIES) this.tagCache.clear();
      this.tagCache.set(key, d);
    }
    return d;
  }

  /** A manifest of `repo` by digest, from memory when possible. */
  async manifest(repo: string, digest: Digest): Promise<StoredManifest | undefined> {
    const cached = this.manifests.get(`${repo}\0${digest}`);
    if (cached) return cached;
    const row = this.meta.manifest(repo, digest);
    if (!row) return undefined;
    let bytes: Buffer;
    try {
      bytes = await this.content.readBytes(digest);
    } catch {
      return undefined;
    }
    const m = { row, bytes };
    this.cacheManifest(m);
    return m;
  }

  /**
   * Stores manifest bytes and records the manifest (and tag) once every reference is present.
   * Throws MANIFEST_BLOB_UNKNOWN listing what is missing.
   */
  async putManifest(
    row: ManifestRow,
    bytes: Buffer,
    refs: { blobs: Digest[]; manifests: Digest[]; unchecked: Digest[] },
    tag: string | undefined,
  ): Promise<void> {
    await this.commitBlob(row.digest, undefined, () => this.content.put(bytes, row.digest));
    const missing = this.meta.putManifest(row, refs, tag);
    if (missing.length > 0) {
      throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digests: missing });
    }
    this.cacheManifest({ row, bytes });
    if (tag !== undefined) this.tagCache.set(`${row.repo}\0${tag}`, row.digest);
  }

  deleteManifest(repo: string, digest: Digest): boolean {
    const tags = this.meta.deleteManifest(repo, digest);
    if (tags === undefined) return false;
    const m = this.manifests.get(`${repo}\0${digest}`);
    if (m) {
      this.manifests.delete(`${repo}\0${digest}`);
      this.manifestBytes -= m.bytes.length;
    }
    for (const t of tags) this.tagCache.delete(`${repo}\0${t}`);
    return true;
  }

  deleteTag(repo: string, tag: string): boolean {
    this.tagCache.delete(`${repo}\0${tag}`);
    return this.meta.deleteTag(repo, tag);
  }
}

/** Digests of the files under blobs/ (for gc's reconciliation). */
export async function listBlobFiles(store: LocalContentStore): Promise<Array<{ digest: Digest; mtimeMs: number }>> {
  const out: Array<{ digest: Digest; mtimeMs: number }> = [];
  for (const alg of await readdir(store.blobsDir).catch(() => [] as string[])) {
    for (const hex of await readdir(join(store.blobsDir, alg)).catch(() => [] as string[])) {
      const d = `${alg}:${hex}`;
      if (!isDigest(d)) continue;
      try {
        const st = await stat(join(store.blobsDir, alg, hex));
        out.push({ digest: d, mtimeMs: st.mtimeMs });
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
  }
  return out;
}

