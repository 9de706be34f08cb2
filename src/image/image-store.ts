// Image metadata in SQLite: image records (keyed by config digest) and tags (normalised references).
import type { Db } from '../db/database.js';
import { type Digest, isDigest } from '../oci/digest.js';
import type { ImageConfig } from '../oci/image-spec.js';
import { type Reference, formatReference, parseReference, withDefaultTag, familiarName } from '../oci/reference.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';

export interface LayerRecord {
  diffId: Digest;
  chainId: Digest;
  /** Uncompressed size in bytes. */
  size: number;
  /** The blob in the content store (compressed as pulled, or the uncompressed tar when made here). */
  blob?: { digest: Digest; mediaType: string; size: number };
}

export interface ImageRecord {
  id: Digest;
  config: ImageConfig;
  layers: LayerRecord[];
  /** The manifest digest when the image came from (or went to) a registry. */
  manifestDigest?: Digest;
  /** `repo@sha256:…` strings, as in docker's RepoDigests. */
  repoDigests: string[];
  /** The image it was built on (for `docker history`/builds), if known. */
  parent?: Digest;
  /** When the image was stored here (ISO time). */
  added: string;
}

interface Row {
  id: string;
  record: string;
}

export class ImageStore {
  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS images (id TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS image_tags (ref TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id));
      CREATE INDEX IF NOT EXISTS image_tags_by_image ON image_tags(image_id);
    `);
  }

  put(rec: ImageRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO images (id, record) VALUES (?, ?)').run(rec.id, JSON.stringify(rec));
  }

  get(id: Digest): ImageRecord | undefined {
    const row = this.db.prepare('SELECT id, record FROM images WHERE id = ?').get(id) as Row | undefined;
    return row ? (JSON.parse(row.record) as ImageRecord) : undefined;
  }

  list(): ImageRecord[] {
    return (this.db.prepare('SELECT id, record FROM images').all() as Row[]).map((r) => JSON.parse(r.record) as ImageRecord);
  }

  /** Tags (full references) pointing at an image. */
  tagsOf(id: Digest): Reference[] {
    const rows = this.db.prepare('SELECT ref FROM image_tags WHERE image_id = ? ORDER BY ref').all(id) as Array<{ ref: string }>;
    return rows.map((r) => parseReference(r.ref));
  }

  allTags(): Array<{ ref: Reference; imageId: Digest }> {
    const rows = this.db.prepare('SELECT ref, image_id FROM image_tags ORDER BY ref').all() as Array<{ ref: string; image_id: Digest }>;
    return rows.map((r) => ({ ref: parseReference(r.ref), imageId: r.image_id }));
  }

  /** Points a tag at an image; returns the image it pointed at before, if any. */
  tag(ref: Reference, id: Digest): Digest | undefined {
    const key = formatReference(withDefaultTag(ref));
    // Re-tagging with the same image (a cached rebuild) writes nothing.
    const current = this.db.prepare('SELECT image_id FROM image_tags WHERE ref = ?').get(key) as { image_id: Digest } | undefined;
    if (current?.image_id === id) return undefined;
    return this.db.transaction(() => {
      const prev = this.db.prepare('SELECT image_id FROM image_tags WHERE ref = ?').get(key) as { image_id: Digest } | undefined;
      this.db.prepare('INSERT OR REPLACE INTO image_tags (ref, image_id) VALUES (?, ?)').run(key, id);
      return prev?.image_id !== id ? prev?.image_id : undefined;
    })();
  }

  untag(ref: Reference): boolean {
    const key = formatReference(withDefaultTag(ref));
    return this.db.prepare('DELETE FROM image_tags WHERE ref = ?').run(key).changes > 0;
  }

  delete(id: Digest): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM image_tags WHERE image_id = ?').run(id);
      this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
    })();
  }

  /** Looks up by tag, `name@digest`, full id, or unique id prefix, like docker. */
  resolve(nameOrId: string): { image: ImageRecord; ref?: Reference } {
    const found = this.find(nameOrId);
    if (!found) throw new NotFoundError(`No such image: ${nameOrId}`);
    return found;
  }

  find(nameOrId: string): { image: ImageRecord; ref?: Reference } | undefined {
    const s = nameOrId.trim();
    if (isDigest(s)) {
      const img = this.get(s);
      return img ? { image: img } : undefined;
    }
    if (/^[a-f0-9]{1,64}$/.test(s)) {
      const byId = this.findByPrefix(s);
      if (byId) return { image: byId };
    }
    let ref: Reference;
    try {
      ref = parseReference(s);
    } catch (err) {
      if (/^[a-f0-9]{1,64}$/.test(s)) return undefined;
      throw err;
    }
    if (ref.digest) {
      const want = `${familiarName(ref)}@${ref.digest}`;
      const wantFull = `${ref.domain}/${ref.path}@${ref.digest}`;
      for (const img of this.list()) {
        if (img.repoDigests.includes(want) || img.repoDigests.includes(wantFull) || img.manifestDigest === ref.digest) return { image: img, ref };
      }
      return undefined;
    }
    const row = this.db.prepare('SELECT image_id FROM image_tags WHERE ref = ?').get(formatReference(withDefaultTag(ref))) as { image_id: Digest } | undefined;
    if (!row) return undefined;
    const img = this.get(row.image_id);
    return img ? { image: img, ref: withDefaultTag(ref) } : undefined;
  }

  private findByPrefix(prefix: string): ImageRecord | undefined {
    const rows = this.db.prepare("SELECT id, record FROM images WHERE id LIKE ? LIMIT 2").all(`sha256:${prefix}%`) as Row[];
    if (rows.length > 1) throw new ConflictError(`multiple IDs found with provided prefix: ${prefix}`);
    return rows[0] ? (JSON.parse(rows[0].record) as ImageRecord) : undefined;
  }
}

export function assertTagName(tag: string): void {
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new InvalidArgumentError('invalid tag format');
}
