// The volumes table: one row per volume (docker's local driver metadata), and the container →
// mount plan table that says which containers use which volumes.
import type { Db } from '../db/database.js';

export interface VolumeRecord {
  name: string;
  driver: string;
  /** RFC 3339, as docker shows it. */
  createdAt: string;
  labels: Record<string, string>;
  /** Driver options (`--opt`): type, o, device for the local driver. */
  options: Record<string, string>;
  /** Made for one container (`-v /path`, image VOLUME); `volume prune` takes these by default. */
  anonymous: boolean;
}

export class VolumeStore {
  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS volumes (name TEXT PRIMARY KEY, record TEXT NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS container_mounts (container_id TEXT PRIMARY KEY, plan TEXT NOT NULL)`);
  }

  insert(v: VolumeRecord): void {
    this.db.prepare('INSERT INTO volumes (name, record) VALUES (?, ?)').run(v.name, JSON.stringify(v));
  }

  get(name: string): VolumeRecord | undefined {
    const row = this.db.prepare('SELECT record FROM volumes WHERE name = ?').get(name) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as VolumeRecord) : undefined;
  }

  list(): VolumeRecord[] {
    return (this.db.prepare('SELECT record FROM volumes ORDER BY name').all() as Array<{ record: string }>).map((r) => JSON.parse(r.record) as VolumeRecord);
  }

  delete(name: string): void {
    this.db.prepare('DELETE FROM volumes WHERE name = ?').run(name);
  }

  /** The stored mount plan of a container (JSON chosen by the volume service). */
  plan<T>(containerId: string): T | undefined {
    const row = this.db.prepare('SELECT plan FROM container_mounts WHERE container_id = ?').get(containerId) as { plan: string } | undefined;
    return row ? (JSON.parse(row.plan) as T) : undefined;
  }

  plans<T>(): Array<{ containerId: string; plan: T }> {
    return (this.db.prepare('SELECT container_id, plan FROM container_mounts').all() as Array<{ container_id: string; plan: string }>).map((r) => ({
      containerId: r.container_id,
      plan: JSON.parse(r.plan) as T,
    }));
  }

  setPlan(containerId: string, plan: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO container_mounts (container_id, plan) VALUES (?, ?)').run(containerId, JSON.stringify(plan));
  }

  deletePlan(containerId: string): void {
    this.db.prepare('DELETE FROM container_mounts WHERE container_id = ?').run(containerId);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
