// The registry's metadata in one SQLite file (WAL, synchronous FULL): which blobs exist, which
// repository may read which blob, manifests with what they reference, tags, upload sessions.
// Writes nobody has been promised yet (upload sessions, commit claims) skip the WAL fsync: a
// crash of the machine (not of the process: the WAL is in the page cache) may lose them, the
// client then restarts the upload and recover()/gc clean up; the next FULL commit makes them
// durable anyway. Each fsync would stall the event loop behind whatever the disk is flushing,
// such as the blob being uploaded.
// Blob bytes live in the content store; a row here is written only after the file is in place,
// so a crash leaves at worst a file without a row (collected later), never a row without a file.
//
// Blob rows carry a state so that `gc` in another process and the server cooperate:
//   PRESENT    the blob is readable;
//   DELETING   gc has chosen it and is unlinking the file (writers of that digest wait);
//   COMMITTING an upload claimed the digest and is moving its file into place (gc keeps off).
import Database from 'better-sqlite3';
import type { Digest } from '../../oci/digest.js';

export const BlobState = { present: 0, deleting: 1, committing: 2 } as const;

export interface ManifestRow {
  repo: string;
  digest: Digest;
  mediaType: string;
  size: number;
  artifactType?: string;
  subject?: Digest;
  annotations?: Record<string, string>;
}

export interface UploadRow {
  id: string;
  repo: string;
  started: number;
  touched: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blobs (
  digest TEXT PRIMARY KEY, size INTEGER NOT NULL, state INTEGER NOT NULL, touched INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repo_blobs (
  repo TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS repo_blobs_digest ON repo_blobs (digest);
CREATE TABLE IF NOT EXISTS manifests (
  repo TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
  artifact_type TEXT, subject TEXT, annotations TEXT, created INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_subject ON manifests (repo, subject) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS manifests_digest ON manifests (digest);
CREATE TABLE IF NOT EXISTS manifest_refs (
  repo TEXT NOT NULL, manifest TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (repo, manifest, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_refs_digest ON manifest_refs (digest);
CREATE TABLE IF NOT EXISTS tags (
  repo TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (repo, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_digest ON tags (repo, digest);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, repo TEXT NOT NULL, started INTEGER NOT NULL, touched INTEGER NOT NULL
) WITHOUT ROWID;
`;

interface RawManifest {
  repo: string;
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  subject: string | null;
  annotations: string | null;
}

function fromRaw(r: RawManifest): ManifestRow {
  const row: ManifestRow = { repo: r.repo, digest: r.digest as Digest, mediaType: r.media_type, size: r.size };
  if (r.artifact_type !== null) row.artifactType = r.artifact_type;
  if (r.subject !== null) row.subject = r.subject as Digest;
  if (r.annotations !== null) row.annotations = JSON.parse(r.annotations) as Record<string, string>;
  return row;
}

export class RegistryMetadata {
  readonly db: Database.Database;
  private readonly q;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      blob: p('SELECT size, state, touched FROM blobs WHERE digest = ?'),
      linkedBlob: p(
        'SELECT b.size AS size, b.touched AS touched FROM repo_blobs l JOIN blobs b ON b.digest = l.digest ' +
          'WHERE l.repo = ? AND l.digest = ? AND b.state = 0',
      ),
      insertClaim: p('INSERT INTO blobs (digest, size, state, touched) VALUES (?, ?, 2, ?)'),
      touchBlob: p('UPDATE blobs SET touched = ? WHERE digest = ?'),
      finishClaim: p('UPDATE blobs SET state = 0, size = ?, touched = ? WHERE digest = ? AND state = 2'),
      dropClaim: p('DELETE FROM blobs WHERE digest = ? AND state = 2'),
      link: p('INSERT OR IGNORE INTO repo_blobs (repo, digest) VALUES (?, ?)'),
      unlink: p('DELETE FROM repo_blobs WHERE repo = ? AND digest = ?'),
      manifest: p('SELECT * FROM manifests WHERE repo = ? AND digest = ?'),
      insertManifest: p(
        'INSERT OR REPLACE INTO manifests (repo, digest, media_type, size, artifact_type, subject, annotations, created) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertRef: p('INSERT OR IGNORE INTO manifest_refs (repo, manifest, digest) VALUES (?, ?, ?)'),
      deleteManifest: p('DELETE FROM manifests WHERE repo = ? AND digest = ?'),
      deleteRefs: p('DELETE FROM manifest_refs WHERE repo = ? AND manifest = ?'),
      deleteTagsOf: p('DELETE FROM tags WHERE repo = ? AND digest = ?'),
      tag: p('SELECT digest FROM tags WHERE repo = ? AND tag = ?'),
      tagsOf: p('SELECT tag FROM tags WHERE repo = ? AND digest = ?'),
      setTag: p('INSERT OR REPLACE INTO tags (repo, tag, digest) VALUES (?, ?, ?)'),
      deleteTag: p('DELETE FROM tags WHERE repo = ? AND tag = ?'),
      tags: p('SELECT tag FROM tags WHERE repo = ? AND tag > ? ORDER BY tag LIMIT ?'),
      repoExists: p('SELECT 1 FROM manifests WHERE repo = ? LIMIT 1'),
      repos: p('SELECT DISTINCT repo FROM manifests WHERE repo > ? ORDER BY repo LIMIT ?'),
      referrers: p('SELECT * FROM manifests WHERE repo = ? AND subject = ? ORDER BY digest'),
      insertUpload: p('INSERT INTO uploads (id, repo, started, touched) VALUES (?, ?, ?, ?)'),
      upload: p('SELECT id, repo, started, touched FROM uploads WHERE id = ?'),
      touchUpload: p('UPDATE uploads SET touched = ? WHERE id = ?'),
      deleteUpload: p('DELETE FROM uploads WHERE id = ?'),
      staleUploads: p('SELECT id, repo, started, touched FROM uploads WHERE touched < ?'),
    };
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` with synchronous = NORMAL (no fsync at commit; see the top of this file). */
  private relaxed<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  // ---- blobs ----

  blob(digest: Digest): { size: number; state: number; touched: number } | undefined {
    return this.q.blob.get(digest) as { size: number; state: number; touched: number } | undefined;
  }

  /** Size of a readable blob linked into `repo`, and when it was last touched. */
  linkedBlob(repo: string, digest: Digest): { size: number; touched: number } | undefined {
    return this.q.linkedBlob.get(repo, digest) as { size: number; touched: number } | undefined;
  }

  touchBlob(digest: Digest, now = Date.now()): void {
    this.q.touchBlob.run(now, digest);
  }

  /**
   * Before moving a verified file into place: claims the digest. Returns 'claimed' (new row in
   * COMMITTING), 'present' (already there, touched so gc leaves it), or 'busy' (gc is deleting it:
   * retry shortly).
   */
  claimBlob(digest: Digest, size: number, now = Date.now()): 'claimed' | 'present' | 'busy' {
    return this.relaxed(() => this.db.transaction((): 'claimed' | 'present' | 'busy' => {
      const row = this.blob(digest);
      if (!row) {
        this.q.insertClaim.run(digest, size, now);
        return 'claimed';
      }
      if (row.state === BlobState.deleting) return 'busy';
      if (row.state === BlobState.committing) return 'busy';
      this.q.touchBlob.run(now, digest);
      return 'present';
    }).immediate());
  }

  /** The file is in place: the claimed row becomes PRESENT, and is linked into `repo`. */
  finishBlob(digest: Digest, size: number, repo: string | undefined, now = Date.now()): void {
    this.db.transaction(() => {
      this.q.finishClaim.run(size, now, digest);
      if (repo !== undefined) this.q.link.run(repo, digest);
    })();
  }

  dropClaim(digest: Digest): void {
    this.relaxed(() => this.q.dropClaim.run(digest));
  }

  link(repo: string, digest: Digest): void {
    this.q.link.run(repo, digest);
  }

  /** Links a present blob into `repo` if it is readable in `from`; false when it is not. */
  mount(repo: string, from: string, digest: Digest, now = Date.now()): number | undefined {
    return this.db.transaction((): number | undefined => {
      const row = this.linkedBlob(from, digest);
      if (!row) return undefined;
      this.q.link.run(repo, digest);
      this.q.touchBlob.run(now, digest);
      return row.size;
    }).immediate();
  }

  unlinkBlob(repo: string, digest: Digest): boolean {
    return this.q.unlink.run(repo, digest).changes > 0;
  }

  // ---- manifests and tags ----

  manifest(repo: string, digest: Digest): ManifestRow | undefined {
    const r = this.q.manifest.get(repo, digest) as RawManifest | undefined;
    return r ? fromRaw(r) : undefined;
  }

  /**
   * Records a manifest (its bytes already stored as a blob) in one transaction: checks that every
   * blob and child manifest it needs is there, then writes the row, its references and the tag.
   * Returns the digests that are missing (nothing is written then).
   */
  putManifest(
    row: ManifestRow,
    refs: { blobs: Digest[]; manifests: Digest[]; unchecked: Digest[] },
    tag: string | undefined,
    now = Date.now(),
  ): Digest[] {
    return this.db.transaction((): Digest[] => {
      const missing: Digest[] = [];
      for (const d of refs.blobs) if (!this.linkedBlob(row.repo, d)) missing.push(d);
      for (const d of refs.manifests) if (!this.q.manifest.get(row.repo, d)) missing.push(d);
      if (missing.length > 0) return missing;
      const own = this.blob(row.digest);
      if (!own || own.state !== BlobState.present) return [row.digest];
      this.q.insertManifest.run(
        row.repo, row.digest, row.mediaType, row.size, row.artifactType ?? null, row.subject ?? null,
        row.annotations ? JSON.stringify(row.annotations) : null, now,
      );
      this.q.link.run(row.repo, row.digest);
      for (const d of [...refs.blobs, ...refs.manifests, ...refs.unchecked]) this.q.insertRef.run(row.repo, row.digest, d);
      if (tag !== undefined) this.q.setTag.run(row.repo, tag, row.digest);
      return [];
    }).immediate();
  }

  /** Removes a manifest and every tag that points at it; returns the removed tags, or undefined. */
  deleteManifest(repo: string, digest: Digest): string[] | undefined {
    return this.db.transaction((): string[] | undefined => {
      if (this.q.deleteManifest.run(repo, digest).changes === 0) return undefined;
      const tags = (this.q.tagsOf.all(repo, digest) as Array<{ tag: string }>).map((r) => r.tag);
      this.q.deleteTagsOf.run(repo, digest);
      this.q.deleteRefs.run(repo, digest);
      return tags;
    })();
  }

  tag(repo: string, tag: string): Digest | undefined {
    return (this.q.tag.get(repo, tag) as { digest: Digest } | undefined)?.digest;
  }

  deleteTag(repo: string, tag: string): boolean {
    return this.q.deleteTag.run(repo, tag).changes > 0;
  }

  /** Tags in lexical order after `last`, at most `n`. */
  tags(repo: string, last: string, n: number): string[] {
    return (this.q.tags.all(repo, last, n) as Array<{ tag: string }>).map((r) => r.tag);
  }

  repositoryExists(repo: string): boolean {
    return this.q.repoExists.get(repo) !== undefined;
  }

  repositories(last: string, n: number): string[] {
    return (this.q.repos.all(last, n) as Array<{ repo: string }>).map((r) => r.repo);
  }

  referrers(repo: string, subject: Digest): ManifestRow[] {
    return (this.q.referrers.all(repo, subject) as RawManifest[]).map(fromRaw);
  }

  // ---- upload sessions ----

  insertUpload(id: string, repo: string, now = Date.now()): void {
    this.relaxed(() => this.q.insertUpload.run(id, repo, now, now));
  }

  upload(id: string): UploadRow | undefined {
    return this.q.upload.get(id) as UploadRow | undefined;
  }

  touchUpload(id: string, now = Date.now()): void {
    this.relaxed(() => this.q.touchUpload.run(now, id));
  }

  deleteUpload(id: string): void {
    this.relaxed(() => this.q.deleteUpload.run(id));
  }

  staleUploads(olderThan: number): UploadRow[] {
    return this.q.staleUploads.all(olderThan) as UploadRow[];
  }
}
