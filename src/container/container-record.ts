// What berth stores of a container, and the SQLite table it lives in.
import type { Db } from '../db/database.js';
import type { Digest } from '../oci/digest.js';
import { ConflictError, NotFoundError } from '../errors.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

export interface ContainerState {
  Status: ContainerStatus;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  OOMKilled: boolean;
  /** conmon's pid, to tell after a daemon restart whether the container is still monitored. */
  ConmonPid?: number;
  Health?: HealthState;
}

/** Config and HostConfig are kept in the API's own JSON shapes (docker's field names). */
export type ApiConfig = Record<string, unknown> & {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Image?: string;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  StopSignal?: string;
  StopTimeout?: number | null;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
};

export type ApiHostConfig = Record<string, unknown> & {
  AutoRemove?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  NetworkMode?: string;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  Privileged?: boolean;
  Init?: boolean | null;
  Binds?: string[] | null;
};

export interface ContainerRecord {
  id: string;
  /** With docker's leading slash: `/name`. */
  name: string;
  created: string;
  imageId: Digest;
  /** The image as the user named it (`busybox`), for ps and inspect's Config.Image. */
  imageName: string;
  path: string;
  args: string[];
  config: ApiConfig;
  hostConfig: ApiHostConfig;
  networkingConfig?: Record<string, unknown>;
  state: ContainerState;
  restartCount: number;
  /** The log file conmon writes (k8s-file format). */
  logPath: string;
  /** Set when the user asked to stop, for unless-stopped and to skip restarts. */
  manuallyStopped?: boolean;
  hasBeenStarted?: boolean;
  /** Resolved mounts for inspect's Mounts. */
  mounts?: Array<Record<string, unknown>>;
  /** Network state for inspect, set by the network service when attached. */
  networkSettings?: Record<string, unknown>;
}

export class ContainerStore {
  /**
   * Every record as last written, parsed once (loaded by the first list()): listing hundreds of
   * containers (ps, the exit sweep) must not parse each record's JSON every time.
   */
  private listed?: Map<string, ContainerRecord>;

  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, record TEXT NOT NULL)`);
  }

  insert(rec: ContainerRecord): void {
    const existing = this.db.prepare('SELECT id FROM containers WHERE name = ?').get(rec.name) as { id: string } | undefined;
    if (existing) throw nameConflict(rec.name, existing.id);
    const json = JSON.stringify(rec);
    this.db.prepare('INSERT INTO containers (id, name, record) VALUES (?, ?, ?)').run(rec.id, rec.name, json);
    this.listed?.set(rec.id, JSON.parse(json) as ContainerRecord);
  }

  /**
   * Writes a changed record. Without the fsync the database does for other commits: a record's
   * changes (state, flags, a name) that a machine crash loses are what start-up's recovery pass
   * settles anyway, and the fsync (~1 ms on ext4, far more on a busy disk) blocked berthd several
   * times on every run's waiting path. Inserts and deletes keep it; the next fsync'ed commit takes
   * these along.
   */
  update(rec: ContainerRecord): void {
    const json = JSON.stringify(rec);
    const sync = this.db.pragma('synchronous', { simple: true }) as number;
    if (sync > 1) this.db.pragma('synchronous = NORMAL');
    try {
      this.db.prepare('UPDATE containers SET name = ?, record = ? WHERE id = ?').run(rec.name, json, rec.id);
    } finally {
      if (sync > 1) this.db.pragma(`synchronous = ${sync}`);
    }
    // A copy of what was written: the caller goes on changing its own object.
    if (this.listed?.has(rec.id)) this.listed.set(rec.id, JSON.parse(json) as ContainerRecord);
  }

  rename(rec: ContainerRecord, newName: string): void {
    const existing = this.db.prepare('SELECT id FROM containers WHERE name = ?').get(newName) as { id: string } | undefined;
    if (existing && existing.id !== rec.id) throw nameConflict(newName, existing.id);
    rec.name = newName;
    this.update(rec);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM containers WHERE id = ?').run(id);
    this.listed?.delete(id);
  }

  get(id: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT record FROM containers WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ContainerRecord) : undefined;
  }

  /**
   * Every record, shared and read-only: get() a container's own copy before changing it. (The
   * array is the caller's to sort.)
   */
  list(): Array<Readonly<ContainerRecord>> {
    if (!this.listed) {
      const rows = this.db.prepare('SELECT id, record FROM containers').all() as Array<{ id: string; record: string }>;
      this.listed = new Map(rows.map((r) => [r.id, JSON.parse(r.record) as ContainerRecord]));
    }
    return [...this.listed.values()];
  }

  /** By full id, name (with or without slash), or unique id prefix — docker's order. */
  find(idOrName: string): ContainerRecord | undefined {
    if (idOrName === '') return undefined;
    const byId = this.get(idOrName);
    if (byId) return byId;
    const name = idOrName.startsWith('/') ? idOrName : `/${idOrName}`;
    const byName = this.db.prepare('SELECT record FROM containers WHERE name = ?').get(name) as { record: string } | undefined;
    if (byName) return JSON.parse(byName.record) as ContainerRecord;
    if (!/^[a-f0-9]+$/.test(idOrName)) return undefined;
    const rows = this.db.prepare('SELECT record FROM containers WHERE id LIKE ? LIMIT 2').all(`${idOrName}%`) as Array<{ record: string }>;
    if (rows.length > 1) throw new ConflictError(`multiple IDs found with provided prefix: ${idOrName}`);
    return rows[0] ? (JSON.parse(rows[0].record) as ContainerRecord) : undefined;
  }

  resolve(idOrName: string): ContainerRecord {
    const c = this.find(idOrName);
    if (!c) throw new NotFoundError(`No such container: ${idOrName}`);
    return c;
  }
}

function nameConflict(name: string, id: string): ConflictError {
  return new ConflictError(
    `Conflict. The container name "${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}
