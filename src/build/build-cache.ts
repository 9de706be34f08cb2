// The build cache: step cache key → what the step produced (the image config after it, with its
// history and `created` times, and the layer list). Kept in SQLite beside the images so it
// survives restarts. Intermediate results are not image records (they'd crowd `images`); their
// layers are plain committed snapshots, so an entry whose layers were pruned meanwhile counts as
// a miss and is dropped.
import type { Db } from '../db/database.js';
import type { Digest } from '../oci/digest.js';
import type { HistoryEntry, ImageConfig } from '../oci/image-spec.js';
import type { LayerRecord } from '../image/image-store.js';

/** A step's result: the config digest is the image ID it would have. */
export interface StepResult {
  id: Digest;
  config: ImageConfig;
  layers: LayerRecord[];
  /**
   * COPY --link: the layer made on nothing (its chain ID is its diff ID) and the step's history
   * entry, to be put over whatever parent the step has when the entry is reused.
   */
  link?: { layer: LayerRecord; history: HistoryEntry };
}

export interface CacheEntry {
  key: string;
  result: StepResult;
  /** What the step was, for `builder prune`/`system df` listings. */
  description: string;
  created: number;
  lastUsed: number;
  usageCount: number;
}

interface Row {
  key: string;
  image_id: string;
  result: string;
  description: string;
  created: number;
  last_used: number;
  usage_count: number;
}

export class BuildCache {
  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS build_cache (
        key         TEXT PRIMARY KEY,
        image_id    TEXT NOT NULL,
        result      TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created     INTEGER NOT NULL,
        last_used   INTEGER NOT NULL,
        usage_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS build_cache_by_image ON build_cache(image_id);
    `);
  }

  /** The result of a cached step, if its entry exists and `valid(result)` still holds (see touch). */
  lookup(key: string, valid: (r: StepResult) => boolean): StepResult | undefined {
    const row = this.db.prepare('SELECT * FROM build_cache WHERE key = ?').get(key) as Row | undefined;
    if (!row) return undefined;
    const result = JSON.parse(row.result) as StepResult;
    if (!valid(result)) {
      this.db.prepare('DELETE FROM build_cache WHERE key = ?').run(key);
      return undefined;
    }
    return result;
  }

  /** Counts a use of each entry (one transaction for a whole build's hits, not one per step). */
  touch(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const now = Date.now();
    const upd = this.db.prepare('UPDATE build_cache SET last_used = ?, usage_count = usage_count + 1 WHERE key = ?');
    this.db.transaction(() => {
      for (const k of keys) upd.run(now, k);
    })();
  }

  record(key: string, result: StepResult, description: string): void {
    const now = Date.now();
    this.db
      .prepare('INSERT OR REPLACE INTO build_cache (key, image_id, result, description, created, last_used, usage_count) VALUES (?, ?, ?, ?, ?, ?, 0)')
      .run(key, result.id, JSON.stringify(result), description, now, now);
  }

  list(): CacheEntry[] {
    return (this.db.prepare('SELECT * FROM build_cache ORDER BY created').all() as Row[]).map((r) => ({
      key: r.key,
      result: JSON.parse(r.result) as StepResult,
      description: r.description,
      created: r.created,
      lastUsed: r.last_used,
      usageCount: r.usage_count,
    }));
  }

  delete(keys: readonly string[]): void {
    const del = this.db.prepare('DELETE FROM build_cache WHERE key = ?');
    this.db.transaction(() => {
      for (const k of keys) del.run(k);
    })();
  }
}
