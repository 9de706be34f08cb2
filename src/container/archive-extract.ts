// Unpacks the tar of `PUT /containers/{id}/archive` into a directory of a container's root. Every
// entry's parent is resolved inside the root (symlinks in the container point into the container,
// never out to the host), existing symlinks at an entry's own place are replaced, not followed,
// and names that climb above the extraction point are refused.
import { chmod, lchown, link, lstat, mkdir, open, rm, symlink, unlink, utimes, lutimes } from 'node:fs/promises';
import { constants, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { type IdMap, hostOwner } from '../oci/id-map.js';

export interface ExtractOptions {
  /** Error when a directory would replace a non-directory or the other way round. */
  noOverwriteDirNonDir: boolean;
  /** Keep the archive's owners (`cp -a`); otherwise files belong to the container's root (0:0). */
  copyUidGid: boolean;
  /** A remapped store: owners are written as the host ids the container's ids map to. */
  idMap?: IdMap;
}

/** Where an archive name lands: a clean container path below `dir`, or undefined for the dir itself. */
function containerPathOf(dir: string, name: string): string | undefined {
  const rel = posix.normalize(name.replace(/^\/+/, ''));
  if (rel === '.' || rel === '' || rel === './') return undefined;
  if (rel === '..' || rel.startsWith('../')) throw new InvalidArgumentError(`invalid tar entry name: ${JSON.stringify(name)} is outside the extraction point`);
  return posix.join(dir, rel.replace(/\/$/, ''));
}

/** The host path of container path `p` with its parent resolved in the root; the last component is not followed. */
async function placeOf(root: string, p: string): Promise<string> {
  const parent = await resolveInRoot(root, posix.dirname(p));
  await mkdir(parent, { recursive: true });
  return `${parent}/${posix.basename(p)}`;
}

export async function extractArchive(root: string, dir: string, body: Readable, o: ExtractOptions): Promise<void> {
  const extract = tarStream.extract();
  body.pipe(extract);
  body.on('error', (err) => extract.destroy(err));
  const dirTimes: Array<{ path: string; mtime: Date }> = [];
  for await (const entry of extract) {
    const h = entry.header;
    const cpath = containerPathOf(dir, h.name);
    if (cpath === undefined) {
      entry.resume();
      continue;
    }
    const host = await placeOf(root, cpath);
    const existing = await lstat(host).catch(() => undefined);
    const uid = hostOwner(o.copyUidGid ? (h.uid ?? 0) : 0, o.idMap, 'uidMappings');
    const gid = hostOwner(o.copyUidGid ? (h.gid ?? 0) : 0, o.idMap, 'gidMappings');
    const mode = (h.mode ?? 0o644) & 0o7777;
    if (h.type === 'directory') {
      if (existing && !existing.isDirectory()) {
        if (o.noOverwriteDirNonDir) throw new InvalidArgumentError(`cannot overwrite non-directory "${cpath}" with directory "${cpath}"`);
        await unlink(host);
      }
      if (!existing || !existing.isDirectory()) await mkdir(host);
      await lchown(host, uid, gid);
      await chmod(host, mode);
      if (h.mtime) dirTimes.push({ path: host, mtime: h.mtime });
      entry.resume();
      continue;
    }
    if (existing) {
      if (existing.isDirectory()) {
        if (o.noOverwriteDirNonDir) throw new InvalidArgumentError(`cannot overwrite directory "${cpath}" with non-directory "${cpath}"`);
        await rm(host, { recursive: true, force: true });
      } else await unlink(host);
    }
    if (h.type === 'symlink') {
      await symlink(h.linkname ?? '', host);
      await lchown(host, uid, gid);
      if (h.mtime) await lutimes(host, h.mtime, h.mtime).catch(() => undefined);
      entry.resume();
      continue;
    }
    if (h.type === 'link') {
      const targetPath = containerPathOf(dir, h.linkname ?? '');
      if (targetPath === undefined) throw new InvalidArgumentError(`invalid hard link target: ${JSON.stringify(h.linkname)}`);
      const target = await resolveInRoot(root, targetPath);
      await link(target, host);
      entry.resume();
      continue;
    }
    if (h.type === 'file' || h.type === 'contiguous-file' || h.type === undefined || h.type === null) {
      // 'wx' is O_CREAT|O_EXCL: the place was just emptied, and a link made there meanwhile fails it.
      const ws = createWriteStream(host, { flags: 'wx', mode: 0o600 });
      const closed = new Promise<void>((res, rej) => {
        ws.once('close', res);
        ws.once('error', rej);
      });
      for await (const chunk of entry) if (!ws.write(chunk as Buffer)) await once(ws, 'drain');
      ws.end();
      await closed;
      // Owner, mode and times through a descriptor that cannot follow a link swapped in since.
      const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        await fh.chown(uid, gid);
        await fh.chmod(mode);
        if (h.mtime) await fh.utimes(h.mtime, h.mtime);
      } finally {
        await fh.close();
      }
      continue;
    }
    // Devices and fifos: docker's cp carries them; make fifos, skip devices (no mknod here).
    if (h.type === 'fifo') {
      const { mknodSync, S_IFIFO } = await import('../sys/syscalls.js');
      mknodSync(host, S_IFIFO | mode);
      await lchown(host, uid, gid);
    }
    entry.resume();
  }
  for (const d of dirTimes.reverse()) await utimes(d.path, d.mtime, d.mtime).catch((err) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}
