// COPY/ADD's file work: sources from a source tree (the context or another stage's rootfs) written
// into the mounted root of the step's snapshot. Every destination path is resolved inside that
// root (symlinks followed as a chroot would), so a link in the image can never lead a copy out
// of it. Directory sources copy their contents; symlinks inside copied trees stay links; owners
// are 0:0 for context files (the source's for other stages) unless --chown; --chmod applies to
// every copied entry. In a remapped store (--userns-remap) owners are written as the host ids the
// container's ids map to, as `docker cp` writes them.
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, readdir, readlink, rm, stat, symlink, utimes } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { type IdMap, hostOwner } from '../oci/id-map.js';
import { copyTarget } from './context/copy-sources.js';

export interface Owner {
  uid: number;
  gid: number;
}

export interface CopyIntoRootOptions {
  srcRoot: string;
  /** Source paths relative to srcRoot, as resolveCopySources returns them. */
  sources: readonly string[];
  destRoot: string;
  /** Absolute path inside destRoot (a trailing `/` marks a directory). */
  dest: string;
  /** --chown; without it, `preserveOwner` decides (else 0:0). */
  owner?: Owner;
  preserveOwner: boolean;
  /** --chmod bits. */
  mode?: number;
  /** Leave out source entries for which this returns true (path relative to srcRoot). */
  exclude?: (rel: string) => boolean;
  /** The destination is a remapped store's: container owners are written as their host ids. */
  idMap?: IdMap;
  /**
   * The source is of the same remapped store (another stage, an image): its owners are host ids
   * already and are kept as they are with `preserveOwner`.
   */
  sourceShifted?: boolean;
}

/** The owner written on disk for container owner `own` (the same without a map). */
function onDisk(own: Owner, map: IdMap | undefined): Owner {
  return map ? { uid: hostOwner(own.uid, map, 'uidMappings'), gid: hostOwner(own.gid, map, 'gidMappings') } : own;
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** Makes every missing directory of the in-root path `dir` (owned by `owner` in the container, mode 0755). */
export async function mkdirInRoot(root: string, dir: string, owner: Owner, idMap?: IdMap): Promise<string> {
  const host = onDisk(owner, idMap);
  const parts = posix.normalize('/' + dir).split('/').filter(Boolean);
  let cur = '/';
  let real = root;
  for (const part of parts) {
    cur = posix.join(cur, part);
    real = await resolveInRoot(root, cur);
    const st = await lstatOrUndefined(real);
    if (st?.isDirectory()) continue;
    if (st) throw new InvalidArgumentError(`cannot copy to ${dir}: ${cur} is not a directory`);
    await mkdir(real, 0o755);
    await lchown(real, host.uid, host.gid);
  }
  return real;
}

/** Copies the sources; returns how many entries were written. */
export async function copyIntoRoot(o: CopyIntoRootOptions): Promise<number> {
  if (o.sources.length > 1 && !o.dest.endsWith('/')) {
    throw new InvalidArgumentError('When using COPY with more than one source file, the destination must be a directory and end with a /');
  }
  let written = 0;
  const fixed = onDisk(o.owner ?? { uid: 0, gid: 0 }, o.idMap);
  const ownerOf = (st: Stats): Owner =>
    o.owner || !o.preserveOwner ? fixed : o.sourceShifted ? { uid: st.uid, gid: st.gid } : onDisk({ uid: st.uid, gid: st.gid }, o.idMap);
  const dirOwner = o.owner ?? { uid: 0, gid: 0 };

  const applyMeta = async (real: string, st: Stats, isLink: boolean): Promise<void> => {
    const own = ownerOf(st);
    await lchown(real, own.uid, own.gid);
    if (isLink) {
      await lutimes(real, st.atime, st.mtime).catch(() => undefined);
      return;
    }
    // chown clears set-id bits: set the mode after it.
    await chmod(real, o.mode ?? st.mode & 0o7777);
    await utimes(real, st.atime, st.mtime);
  };

  const writeEntry = async (srcFull: string, st: Stats, destPath: string): Promise<void> => {
    const real = await resolveInRoot(o.destRoot, destPath);
    const existing = await lstatOrUndefined(real);
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) await rm(real, { force: true });
      if (!existing || !existing.isDirectory()) await mkdir(real, 0o755);
      written++;
      for (const name of (await readdir(srcFull)).sort()) {
        const childSrc = join(srcFull, name);
        const rel = posix.relative('/', childSrc.slice(o.srcRoot.length) || '/');
        if (o.exclude?.(rel)) continue;
        const cst = await lstat(childSrc);
        await writeEntry(childSrc, cst, posix.join(destPath, name));
      }
      await applyMeta(real, st, false);
      return;
    }
    if (existing?.isDirectory()) {
      throw new InvalidArgumentError(`cannot replace directory ${destPath} with a file`);
    }
    if (existing) await rm(real, { force: true });
    if (st.isSymbolicLink()) {
      await symlink(await readlink(srcFull), real);
      await applyMeta(real, st, true);
    } else if (st.isFile()) {
      await copyFile(srcFull, real);
      await applyMeta(real, st, false);
    } else {
      return; // devices, fifos, sockets: nothing a COPY carries
    }
    written++;
  };

  for (const rel of o.sources) {
    // The named source itself is followed when it is a symlink (inside its own root).
    const srcFull = await resolveInRoot(o.srcRoot, rel);
    const st = await stat(srcFull);
    const destReal = await resolveInRoot(o.destRoot, o.dest);
    const destSt = await lstatOrUndefined(destReal);
    const target = copyTarget({ source: rel, sourceIsDir: st.isDirectory(), dest: o.dest, destIsExistingDir: destSt?.isDirectory() ?? false });
    await mkdirInRoot(o.destRoot, posix.dirname(target.path), dirOwner, o.idMap);
    if (target.contentsOf) {
      const real = await mkdirInRoot(o.destRoot, target.path, dirOwner, o.idMap);
      for (const name of (await readdir(srcFull)).sort()) {
        const childRel = rel === '.' ? name : `${rel}/${name}`;
        if (o.exclude?.(childRel)) continue;
        const childSrc = join(srcFull, name);
        await writeEntry(childSrc, await lstat(childSrc), posix.join(target.path, name));
      }
      // The directory copied from keeps its metadata on the destination (BuildKit does so too).
      if (rel !== '.' || o.owner || o.mode !== undefined) await applyMeta(real, st, false);
    } else {
      await writeEntry(srcFull, st, target.path);
    }
  }
  return written;
}
