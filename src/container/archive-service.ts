// Files of a container for `docker cp` (/containers/{id}/archive), `docker diff` (/changes) and
// `docker export`, with docker's path rules: the path is taken inside the container, its directory
// resolved there (symlinks stay inside the root), its last component not followed unless the path
// ends in '/' (or '/.').
import { lstat, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { archiveEntryError } from '../fsutil/archive-errno.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { exportRootfs } from '../snapshot/export-rootfs.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { type ContainerPathStat, goFileMode } from './archive-path-stat.js';
import { openContainerRoot, type ContainerRoot, type ContainerRootDeps, type HostMountSource } from './archive-root.js';
import { archivePath } from './archive-read.js';
import { extractArchive, type ExtractOptions } from './archive-extract.js';
import { containerChanges, type ContainerChange } from './archive-changes.js';

/** docker's PreserveTrailingDotOrSeparator over a cleaned absolute path. */
function absolutePath(path: string): string {
  let abs = posix.normalize(posix.join('/', path));
  if (abs.length > 1 && abs.endsWith('/')) abs = abs.slice(0, -1);
  if ((path.endsWith('/.') || path === '.') && !abs.endsWith('/.')) abs = abs === '/' ? '/.' : `${abs}/.`;
  else if (path.endsWith('/') && !abs.endsWith('/')) abs = `${abs}/`;
  return abs;
}

/** Go's filepath.Base. */
function goBase(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return posix.basename(trimmed);
}

function inRootPath(root: string, host: string): string {
  const base = posix.resolve(root);
  if (host === base) return '/';
  return host.startsWith(`${base}/`) ? host.slice(base.length) : host;
}

export class ContainerFiles {
  constructor(private readonly containers: ContainerService, private readonly volumes?: HostMountSource) {}

  private rootDeps(): ContainerRootDeps {
    const d = this.containers.deps;
    return { snapshots: d.snapshots, paths: d.paths, ...(this.volumes ? { volumes: this.volumes } : {}) };
  }

  private async open(c: ContainerRecord, withVolumes: boolean): Promise<ContainerRoot> {
    if (c.state.Status === 'removing' || c.state.Status === 'dead') throw new ConflictError(`container ${c.id} is marked for removal and cannot be accessed`);
    return openContainerRoot(this.rootDeps(), c, { withVolumes });
  }

  /** docker's ResolvePath: the directory resolved in the root, the base appended as is. */
  private async resolve(root: string, path: string): Promise<{ abs: string; host: string }> {
    const abs = absolutePath(path);
    const cut = abs.lastIndexOf('/') + 1;
    const dir = abs.slice(0, cut);
    const base = abs.slice(cut);
    const hostDir = await resolveInRoot(root, dir);
    // A trailing '/' follows the last link (docker lstats "dir/"); so does the root itself,
    // which for a running container is the /proc/<pid>/root link.
    return { abs, host: base === '' ? `${hostDir}/` : `${hostDir}/${base}` };
  }

  private async statIn(root: string, c: ContainerRecord, idOrName: string, path: string): Promise<{ stat: ContainerPathStat; host: string; abs: string }> {
    const { abs, host } = await this.resolve(root, path);
    let st;
    try {
      st = await lstat(host);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw new NotFoundError(`Could not find the file ${path} in container ${idOrName}`);
      throw err;
    }
    let linkTarget = '';
    if (st.isSymbolicLink()) linkTarget = inRootPath(root, await resolveInRoot(root, abs.replace(/\/\.?$/, '')));
    void c;
    return {
      stat: { name: goBase(abs), size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget },
      host,
      abs,
    };
  }

  async stat(idOrName: string, path: string): Promise<ContainerPathStat> {
    const c = this.containers.store.resolve(idOrName);
    const root = await this.open(c, true);
    try {
      return (await this.statIn(root.path, c, idOrName, path)).stat;
    } finally {
      await root.release();
    }
  }

  /** The stat and a tar of the path (GET /archive). The root stays open until the tar is read. */
  async get(idOrName: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }> {
    const c = this.containers.store.resolve(idOrName);
    const root = await this.open(c, true);
    try {
      const s = await this.statIn(root.path, c, idOrName, path);
      return { stat: s.stat, tar: archivePath(s.host, goBase(s.abs), () => root.release(), this.containers.deps.snapshots.idMap) };
    } catch (err) {
      await root.release();
      throw err;
    }
  }

  /** Unpacks a tar into the directory at `path` (PUT /archive). */
  async put(idOrName: string, path: string, body: Readable, o: ExtractOptions): Promise<void> {
    const c = this.containers.store.resolve(idOrName);
    // CVE-2018-15664: a running container could swap a checked directory for a symlink to the host
    // between our check and our write; frozen, it cannot. Its record does not show the pause.
    const freeze = c.state.Status === 'running';
    if (freeze) await this.containers.deps.runtime.pause(c.id);
    const root = await this.open(c, true).catch(async (err: unknown) => {
      if (freeze) await this.containers.deps.runtime.resume(c.id).catch(() => undefined);
      throw err;
    });
    try {
      const host = await resolveInRoot(root.path, absolutePath(path));
      const st = await stat(host).catch(() => undefined);
      if (!st) throw new NotFoundError(`Could not find the file ${path} in container ${idOrName}`);
      if (!st.isDirectory()) throw new InvalidArgumentError('extraction point is not a directory');
      const dir = inRootPath(root.path, host);
      await this.checkWritable(c, dir);
      await extractArchive(root.path, dir, body, { ...o, ...(this.containers.deps.snapshots.idMap ? { idMap: this.containers.deps.snapshots.idMap } : {}) })
        .catch((err: unknown) => {
          throw archiveEntryError(err);
        });
      this.containers.emit(c, 'extract-to-dir');
    } finally {
      body.resume();
      await root.release();
      if (freeze) await this.containers.deps.runtime.resume(c.id).catch(() => undefined);
    }
  }

  /** docker refuses copies into a read-only root or read-only volume. */
  private async checkWritable(c: ContainerRecord, dir: string): Promise<void> {
    const mounts = this.volumes ? await this.volumes.hostMounts(c.id) : [];
    let best: { destination: string; rw: boolean } | undefined;
    for (const m of mounts) {
      if ((dir === m.destination || dir.startsWith(`${m.destination}/`)) && (!best || m.destination.length > best.destination.length)) best = m;
    }
    if (best && !best.rw) throw new InvalidArgumentError('mounted volume is marked read-only');
    if (!best && c.hostConfig.ReadonlyRootfs) throw new InvalidArgumentError('container rootfs is marked read-only');
  }

  /** `docker diff`: what the container changed over its image. */
  async changes(idOrName: string): Promise<ContainerChange[]> {
    const c = this.containers.store.resolve(idOrName);
    return containerChanges(await this.containers.deps.images.deps.differ.changes(c.id));
  }

  /** `docker export`: the container's filesystem as a tar (volumes not included, like docker). */
  async export(idOrName: string): Promise<Readable> {
    const c = this.containers.store.resolve(idOrName);
    const root = await this.open(c, false);
    const idMap = this.containers.deps.snapshots.idMap;
    const tar = exportRootfs(root.path, idMap ? { idMap } : {});
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        void root.release();
      }
    };
    tar.once('end', release);
    tar.once('close', release);
    tar.once('error', release);
    this.containers.emit(c, 'export');
    return tar;
  }
}
