// The tar that `GET /containers/{id}/archive` sends: the path's own entry named `base` (docker's
// rebase to the requested name), then, for a directory, everything below it. Volumes mounted
// below are included, as docker's are; symlinks are stored, never followed.
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type IdMap, toContainerId } from '../oci/id-map.js';
import { END_OF_ARCHIVE, dataPadding, encodeTarHeader, type TarEntry } from '../snapshot/tar-header.js';

const CHUNK = 1 << 20;

/** `idMap`: a remapped store's file shows its owner as the container sees it (ids outside it as they are). */
function entryOf(name: string, st: Stats, idMap: IdMap | undefined): Omit<TarEntry, 'type'> {
  const uid = idMap ? toContainerId(idMap.uidMappings, st.uid) ?? st.uid : st.uid;
  const gid = idMap ? toContainerId(idMap.gidMappings, st.gid) ?? st.gid : st.gid;
  return { name, mode: st.mode & 0o7777, uid, gid, mtime: Math.floor(st.mtimeMs / 1000) };
}

async function* fileData(path: string, size: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        yield Buffer.alloc(left); // shrank while read: the header promised `size` bytes
        break;
      }
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* walk(abs: string, name: string, links: Map<string, string>, idMap: IdMap | undefined): AsyncGenerator<Buffer> {
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return;
  const e = entryOf(name, st, idMap);
  if (st.isDirectory()) {
    yield encodeTarHeader({ ...e, name: `${name}/`, type: 'directory' });
    const names = (await readdir(abs).catch(() => [] as string[])).sort();
    for (const n of names) yield* walk(join(abs, n), `${name}/${n}`, links, idMap);
    return;
  }
  if (st.isSocket()) return;
  if (st.nlink > 1 && !st.isDirectory()) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) {
      yield encodeTarHeader({ ...e, type: 'link', linkname: first });
      return;
    }
    links.set(key, name);
  }
  if (st.isSymbolicLink()) yield encodeTarHeader({ ...e, type: 'symlink', linkname: await readlink(abs) });
  else if (st.isFile()) {
    yield encodeTarHeader({ ...e, type: 'file', size: st.size });
    yield* fileData(abs, st.size);
    yield dataPadding(st.size);
  } else if (st.isFIFO()) yield encodeTarHeader({ ...e, type: 'fifo' });
  else if (st.isCharacterDevice() || st.isBlockDevice()) {
    const rdev = BigInt(st.rdev);
    const devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    yield encodeTarHeader({ ...e, type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor, devminor });
  }
}

/** `abs` (a host path inside a container root) as a tar whose top entry is `base`; `done` runs at the end either way. */
export function archivePath(abs: string, base: string, done: () => Promise<void>, idMap?: IdMap): Readable {
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield* walk(abs, base, new Map(), idMap);
      yield END_OF_ARCHIVE;
    } finally {
      await done();
    }
  }
  return Readable.from(all(), { objectMode: false, highWaterMark: CHUNK });
}
