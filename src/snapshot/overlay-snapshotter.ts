// Snapshots as overlay layers: one directory per snapshot, <root>/<id>/fs (its layer) and
// <root>/<id>/work (overlay's work dir), numeric ids so that long parent chains still fit in a
// page of mount options. A committed layer's directory is shared by every snapshot above it.
// Metadata lives in SQLite; each change is one transaction, with the files made before the row
// that points to them and removed only after the row is gone (a crash leaves at worst an orphan
// directory, which cleanup() removes).
import { chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, existsSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { type IdMap, rootPair } from '../oci/id-map.js';
import { bindMount, overlayMount, type Mount } from './mount.js';
import type { CommitOptions, SnapshotInfo, SnapshotKind, SnapshotOptions, SnapshotUsage, Snapshotter } from './snapshotter.js';

interface Row {
  id: number;
  name: string;
  kind: SnapshotKind;
  parent_id: number | null;
  labels: string;
  created: number;
  updated: number;
  size: number | null;
  inodes: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS snapshots (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  name      TEXT NOT NULL UNIQUE,
  kind      TEXT NOT NULL CHECK (kind IN ('active', 'view', 'committed')),
  parent_id INTEGER REFERENCES snapshots(id),
  labels    TEXT NOT NULL DEFAULT '{}',
  created   INTEGER NOT NULL,
  updated   INTEGER NOT NULL,
  size      INTEGER,
  inodes    INTEGER
);
CREATE INDEX IF NOT EXISTS snapshots_parent ON snapshots(parent_id);
`;

export class OverlaySnapshotter implements Snapshotter {
  private readonly q;
  readonly idMap?: IdMap;
  /** Owner of new snapshot roots: the mapped root of a remapped store. */
  private readonly owner?: { uid: number; gid: number };

  constructor(private readonly db: Database, readonly root: string, opts: { idMap?: IdMap } = {}) {
    if (opts.idMap) {
      this.idMap = opts.idMap;
      this.owner = rootPair(opts.idMap);
    }
    if (/[,:]/.test(root)) throw new InvalidArgumentError(`snapshot root ${JSON.stringify(root)} must not contain ',' or ':'`);
    mkdirSync(root, { recursive: true, mode: 0o711 });
    db.exec(SCHEMA);
    this.q = {
      byName: db.prepare<[string], Row>('SELECT * FROM snapshots WHERE name = ?'),
      byId: db.prepare<[number], Row>('SELECT * FROM snapshots WHERE id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM snapshots ORDER BY id'),
      chain: db.prepare<[number], { id: number }>(`
        WITH RECURSIVE chain(id, parent_id, depth) AS (
          SELECT id, parent_id, 0 FROM snapshots WHERE id = ?
          UNION ALL
          SELECT s.id, s.parent_id, c.depth + 1 FROM snapshots s JOIN chain c ON s.id = c.parent_id
        ) SELECT id FROM chain ORDER BY depth`),
      insert: db.prepare<[string, SnapshotKind, number | null, string, number, number]>(
        'INSERT INTO snapshots (name, kind, parent_id, labels, created, updated) VALUES (?, ?, ?, ?, ?, ?)'),
      commit: db.prepare<[string, string, number, number]>(
        "UPDATE snapshots SET name = ?, kind = 'committed', labels = ?, updated = ? WHERE id = ?"),
      reparent: db.prepare<[number, number]>('UPDATE snapshots SET parent_id = ? WHERE id = ?'),
      hasChild: db.prepare<[number], { n: number }>('SELECT 1 AS n FROM snapshots WHERE parent_id = ? LIMIT 1'),
      delete: db.prepare<[number]>('DELETE FROM snapshots WHERE id = ?'),
      setUsage: db.prepare<[number, number, number]>('UPDATE snapshots SET size = ?, inodes = ? WHERE id = ?'),
    };
  }

  private dirOf(id: number): string {
    return join(this.root, String(id));
  }

  private fsDir(id: number): string {
    return join(this.root, String(id), 'fs');
  }

  private get(key: string): Row {
    const row = this.q.byName.get(key);
    if (!row) throw new NotFoundError(`snapshot ${key} does not exist`);
    return row;
  }

  private create(kind: 'active' | 'view', key: string, parent: string | undefined, opts: SnapshotOptions): Mount[] {
    // Files first: a complete directory under a temporary name, renamed to its id inside the
    // transaction that inserts the row (a failed rename rolls the row back).
    const tmp = mkdtempSync(join(this.root, '.new-'));
    try {
      mkdirSync(join(tmp, 'fs'), 0o755);
      if (this.owner) chownSync(join(tmp, 'fs'), this.owner.uid, this.owner.gid);
      if (kind === 'active') mkdirSync(join(tmp, 'work'), 0o700);
      return this.db.transaction(() => {
        if (this.q.byName.get(key)) throw new ConflictError(`snapshot ${key} already exists`);
        let parentId: number | null = null;
        if (parent !== undefined) {
          const p = this.q.byName.get(parent);
          if (!p) throw new NotFoundError(`parent snapshot ${parent} does not exist`);
          if (p.kind !== 'committed') throw new InvalidArgumentError(`parent snapshot ${parent} is not committed`);
          parentId = p.id;
        }
        const now = Date.now();
        const id = Number(this.q.insert.run(key, kind, parentId, JSON.stringify(opts.labels ?? {}), now, now).lastInsertRowid);
        const dir = this.dirOf(id);
        // An id reused after a crash between rename and commit may have left a directory behind.
        if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
        return this.mountsOf(this.q.byId.get(id)!);
      })();
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** The layer dirs of a snapshot's parent chain, top-most first. */
  private parentDirs(row: Row): string[] {
    return row.parent_id === null ? [] : this.q.chain.all(row.parent_id).map((r) => this.fsDir(r.id));
  }

  private mountsOf(row: Row): Mount[] {
    const parents = this.parentDirs(row);
    if (row.kind === 'active') {
      // overlay needs at least one lower dir: with none, the layer itself is the whole tree.
      if (parents.length === 0) return [bindMount(this.fsDir(row.id))];
      return [overlayMount({ lowerDirs: parents, upperDir: this.fsDir(row.id), workDir: join(this.dirOf(row.id), 'work') })];
    }
    if (row.kind === 'view') {
      if (parents.length === 0) return [bindMount(this.fsDir(row.id), { readonly: true })];
      if (parents.length === 1) return [bindMount(parents[0]!, { readonly: true })];
      return [overlayMount({ lowerDirs: parents })];
    }
    throw new InvalidArgumentError(`snapshot ${row.name} is committed: only active snapshots and views have mounts`);
  }

  private info(row: Row): SnapshotInfo {
    const info: SnapshotInfo = {
      name: row.name,
      kind: row.kind,
      labels: JSON.parse(row.labels) as Record<string, string>,
      created: new Date(row.created),
      updated: new Date(row.updated),
    };
    if (row.parent_id !== null) info.parent = this.q.byId.get(row.parent_id)!.name;
    return info;
  }

  async prepare(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.create('active', key, parent, opts);
  }

  async view(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.create('view', key, parent, opts);
  }

  async commit(name: string, key: string, opts: CommitOptions = {}): Promise<void> {
    this.db.transaction(() => {
      const row = this.get(key);
      if (row.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key} is not active: only active snapshots can be committed`);
      if (this.q.byName.get(name)) throw new ConflictError(`snapshot ${name} already exists`);
      if (opts.parent !== undefined) {
        if (row.parent_id !== null) throw new InvalidArgumentError(`snapshot ${key} already has a parent`);
        const parent = this.get(opts.parent);
        if (parent.kind !== 'committed') throw new InvalidArgumentError(`parent ${opts.parent} is not committed`);
        this.q.reparent.run(parent.id, row.id);
      }
      const labels = { ...(JSON.parse(row.labels) as Record<string, string>), ...opts.labels };
      this.q.commit.run(name, JSON.stringify(labels), Date.now(), row.id);
    })();
  }

  async mounts(key: string): Promise<Mount[]> {
    return this.mountsOf(this.get(key));
  }

  async remove(key: string): Promise<void> {
    const trash = join(this.root, `.rm-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    this.db.transaction(() => {
      const row = this.get(key);
      if (this.q.hasChild.get(row.id)) throw new ConflictError(`cannot remove snapshot ${key}: other snapshots are based on it`);
      this.q.delete.run(row.id);
      try {
        renameSync(this.dirOf(row.id), trash);
      } catch (err) {
        // A missing directory is the state we want; anything else undoes the delete.
        if (!existsSync(this.dirOf(row.id))) return;
        throw err;
      }
    })();
    await rm(trash, { recursive: true, force: true });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return this.info(this.get(key));
  }

  async usage(key: string): Promise<SnapshotUsage> {
    const row = this.get(key);
    if (row.kind === 'committed' && row.size !== null && row.inodes !== null) return { size: row.size, inodes: row.inodes };
    const usage = await diskUsage(this.fsDir(row.id));
    // A committed layer never changes: remember its usage (unless it was removed meanwhile).
    if (row.kind === 'committed') this.q.setUsage.run(usage.size, usage.inodes, row.id);
    return usage;
  }

  async list(): Promise<SnapshotInfo[]> {
    return this.q.all.all().map((r) => this.info(r));
  }

  /**
   * The directory an active snapshot's changes live in, for this snapshotter's Differ (a layer is
   * unpacked by writing straight into it, with no mount at all) and its tests.
   */
  async upperDir(key: string): Promise<string> {
    const row = this.get(key);
    if (row.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key} is not active: it has no writable layer`);
    return this.fsDir(row.id);
  }

  /** The layer dirs under a snapshot (its parents'), top-most first. */
  async lowerDirs(key: string): Promise<string[]> {
    return this.parentDirs(this.get(key));
  }

  /**
   * Removes what a crash can leave behind: half-made and half-removed directories, and
   * directories whose row never committed. Run at start-up, before the snapshotter is used.
   */
  async cleanup(): Promise<void> {
    const known = new Set(this.q.all.all().map((r) => String(r.id)));
    for (const name of await readdir(this.root)) {
      if (name.startsWith('.new-') || name.startsWith('.rm-') || (/^\d+$/.test(name) && !known.has(name))) {
        await rm(join(this.root, name), { recursive: true, force: true });
      }
    }
  }
}

/** Disk usage of a tree as `du` counts it: allocated blocks, each inode once. */
export async function diskUsage(dir: string): Promise<SnapshotUsage> {
  const seen = new Set<number>();
  let size = 0;
  let inodes = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p, { bigint: false });
    if (!seen.has(st.ino)) {
      seen.add(st.ino);
      inodes++;
      size += st.blocks * 512;
    }
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  await walk(dir);
  return { size, inodes };
}
