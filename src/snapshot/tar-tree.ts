// Writes a directory tree as a tar stream: depth-first, names in byte order, so the same tree
// always gives the same bytes. Used for layer diffs (whiteouts converted) and rootfs exports.
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isErrno } from '../errors.js';
import { type IdMap, toContainerId } from '../oci/id-map.js';
import { llistxattrSync, lgetxattrSync } from '../sys/syscalls.js';
import { END_OF_ARCHIVE, dataPadding, encodeTarHeader, type TarEntry } from './tar-header.js';

export interface TreeTarOptions {
  /** Convert overlay whiteouts and opaque dirs into OCI `.wh.` entries (for an upper dir). */
  overlayWhiteouts: boolean;
  /**
   * A remapped store (user namespaces): host ids in the tree are written as the container ids they
   * stand for. Ids outside the mapping are kept: the daemon's own files (host root's) stay root's.
   */
  idMap?: IdMap;
}

const READ_CHUNK = 1 << 20;

/** Attributes that belong to the host or to overlay, never to an image. */
function keepXattr(name: string): boolean {
  return !name.startsWith('trusted.overlay.') && name !== 'security.selinux';
}

function xattrsOf(path: string): Record<string, Buffer> | undefined {
  let names: string[];
  try {
    names = llistxattrSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOTSUP') || isErrno(err, 'EOPNOTSUPP')) return undefined;
    throw err;
  }
  let out: Record<string, Buffer> | undefined;
  for (const n of names) {
    if (!keepXattr(n)) continue;
    const v = lgetxattrSync(path, n);
    if (v !== undefined) (out ??= {})[n] = v;
  }
  return out;
}

function baseEntry(name: string, st: Stats, idMap: IdMap | undefined): Omit<TarEntry, 'type'> {
  const uid = idMap ? toContainerId(idMap.uidMappings, st.uid) ?? st.uid : st.uid;
  const gid = idMap ? toContainerId(idMap.gidMappings, st.gid) ?? st.gid : st.gid;
  return { name, mode: st.mode & 0o7777, uid, gid, mtime: Math.floor(st.mtimeMs / 1000) };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function* fileData(path: string, size: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, left));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        // The file shrank while being read: the header promised `size` bytes, so pad with zeros.
        yield Buffer.alloc(left);
        break;
      }
      left -= bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* walkTree(root: string, opts: TreeTarOptions): AsyncGenerator<Buffer> {
  const rootDev = lstatSync(root).dev;
  const links = new Map<string, string>();

  async function* visit(rel: string, abs: string): AsyncGenerator<Buffer> {
    const names = readdirSync(abs).sort(byteOrder);
    for (const n of names) {
      const childRel = rel === '' ? n : `${rel}/${n}`;
      const childAbs = join(abs, n);
      const st = lstatSync(childAbs, { throwIfNoEntry: false });
      if (!st) continue; // removed while we walked
      const e = baseEntry(childRel, st, opts.idMap);
      if (st.isDirectory()) {
        yield encodeTarHeader({ ...e, type: 'directory', xattrs: xattrsOf(childAbs) });
        if (opts.overlayWhiteouts && lgetxattrSync(childAbs, 'trusted.overlay.opaque')?.toString() === 'y') {
          yield encodeTarHeader({ ...e, name: `${childRel}/.wh..wh..opq`, type: 'file', size: 0 });
        }
        // Another filesystem mounted inside (a volume, /proc): its content is not part of the tree.
        if (st.dev === rootDev) yield* visit(childRel, childAbs);
      } else if (st.isCharacterDevice() && opts.overlayWhiteouts && st.rdev === 0) {
        const dir = rel === '' ? '' : `${rel}/`;
        yield encodeTarHeader({ ...e, name: `${dir}.wh.${n}`, type: 'file', mode: 0o600, size: 0 });
      } else if (st.isSocket()) {
        continue; // tar cannot carry a socket; docker leaves them out too
      } else {
        const linkKey = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? links.get(linkKey) : undefined;
        if (first !== undefined) {
          yield encodeTarHeader({ ...e, type: 'link', linkname: first });
          continue;
        }
        if (st.nlink > 1) links.set(linkKey, childRel);
        const xattrs = xattrsOf(childAbs);
        if (st.isSymbolicLink()) {
          yield encodeTarHeader({ ...e, type: 'symlink', linkname: readlinkSync(childAbs), xattrs });
        } else if (st.isFile()) {
          yield encodeTarHeader({ ...e, type: 'file', size: st.size, xattrs });
          yield* fileData(childAbs, st.size);
          yield dataPadding(st.size);
        } else if (st.isFIFO()) {
          yield encodeTarHeader({ ...e, type: 'fifo', xattrs });
        } else if (st.isCharacterDevice() || st.isBlockDevice()) {
          const devmajor = Number((BigInt(st.rdev) >> 8n) & 0xfffn) | Number((BigInt(st.rdev) >> 32n) & ~0xfffn);
          const devminor = Number(BigInt(st.rdev) & 0xffn) | Number((BigInt(st.rdev) >> 12n) & ~0xffn);
          yield encodeTarHeader({ ...e, type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor, devminor, xattrs });
        }
      }
    }
  }

  yield* visit('', root);
  yield END_OF_ARCHIVE;
}

/** The tree under `root` as a tar stream. */
export function tarTree(root: string, opts: TreeTarOptions): Readable {
  return Readable.from(walkTree(root, opts), { objectMode: false, highWaterMark: 1 << 20 });
}
