// What berth stores of a pod, and the SQLite table it lives in. Members are not listed here: they
// are the containers labelled with the pod's name (io.berth.pod), so a container's own record is
// the one truth about which pod it belongs to.
import type { Db } from '../db/database.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { PodNamespace } from './pod-options.js';

export interface PodRecord {
  id: string;
  name: string;
  created: string;
  /** The infra container's name, fixed before it is made (recovery finds it by this name). */
  infraName: string;
  /** Empty until the infra container exists. */
  infraId: string;
  labels: Record<string, string>;
  hostname: string;
  share: PodNamespace[];
  infraImage: string;
  infraCommand: string[];
}

export class PodStore {
  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS pods (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, record TEXT NOT NULL)`);
  }

  insert(rec: PodRecord): void {
    const existing = this.db.prepare('SELECT id FROM pods WHERE name = ?').get(rec.name) as { id: string } | undefined;
    if (existing) throw new ConflictError(`pod ${rec.name} already exists (${existing.id}): that name is in use`);
    this.db.prepare('INSERT INTO pods (id, name, record) VALUES (?, ?, ?)').run(rec.id, rec.name, JSON.stringify(rec));
  }

  update(rec: PodRecord): void {
    this.db.prepare('UPDATE pods SET record = ? WHERE id = ?').run(JSON.stringify(rec), rec.id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM pods WHERE id = ?').run(id);
  }

  list(): PodRecord[] {
    return (this.db.prepare('SELECT record FROM pods ORDER BY rowid').all() as Array<{ record: string }>).map((r) => JSON.parse(r.record) as PodRecord);
  }

  /** By full id, name, or unique id prefix (docker's order for containers). */
  find(idOrName: string): PodRecord | undefined {
    if (idOrName === '') return undefined;
    const row =
      (this.db.prepare('SELECT record FROM pods WHERE id = ?').get(idOrName) as { record: string } | undefined) ??
      (this.db.prepare('SELECT record FROM pods WHERE name = ?').get(idOrName) as { record: string } | undefined);
    if (row) return JSON.parse(row.record) as PodRecord;
    if (!/^[a-f0-9]+$/.test(idOrName)) return undefined;
    const rows = this.db.prepare('SELECT record FROM pods WHERE id LIKE ? LIMIT 2').all(`${idOrName}%`) as Array<{ record: string }>;
    if (rows.length > 1) throw new ConflictError(`more than one result for pod ID ${idOrName}`);
    return rows[0] ? (JSON.parse(rows[0].record) as PodRecord) : undefined;
  }

  resolve(idOrName: string): PodRecord {
    const p = this.find(idOrName);
    if (!p) throw new NotFoundError(`no pod with name or ID ${idOrName} found: no such pod`);
    return p;
  }
}
