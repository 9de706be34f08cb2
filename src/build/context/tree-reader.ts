// The read side of a source tree as COPY's source resolution and content digests see it: a
// directory on disk, or a build context still held in memory (received-context.ts). Paths are
// relative to the tree's root ('.' is the root).
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, Digester } from '../../oci/digest.js';
import { isErrno } from '../../errors.js';
import type { KnownDigests } from './context-tar.js';

export interface TreeStat {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface TreeReader {
  /** The entry at `rel`, not following a last symlink; undefined when absent. */
  lstat(rel: string): Promise<TreeStat | undefined>;
  /** The names in directory `rel`, sorted; undefined when it is absent or not a directory. */
  readdir(rel: string): Promise<string[] | undefined>;
  readlink(rel: string): Promise<string>;
  /** sha256 of a regular file's bytes. */
  fileDigest(rel: string): Promise<Digest>;
}

function typeOf(st: Stats): TreeStat['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** A directory on disk; files whose digest `known` holds (same size and mtime) are not read. */
export function directoryTree(root: string, known?: KnownDigests): TreeReader {
  const full = (rel: string): string => (rel === '.' ? root : join(root, rel));
  return {
    async lstat(rel) {
      try {
        const st = await lstat(full(rel));
        return { type: typeOf(st), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size };
      } catch (err) {
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
        throw err;
      }
    },
    async readdir(rel) {
      try {
        return (await readdir(full(rel))).sort();
      } catch (err) {
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
        throw err;
      }
    },
    readlink: (rel) => readlink(full(rel)),
    async fileDigest(rel) {
      const k = known?.get(rel);
      if (k) {
        const st = await lstat(full(rel));
        if (st.size === k.size && st.mtimeMs === k.mtimeMs) return k.digest;
      }
      const d = new Digester();
      for await (const chunk of createReadStream(full(rel))) d.update(chunk as Buffer);
      return d.digest();
    },
  };
}
