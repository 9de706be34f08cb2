// Shared pieces of the snapshot tests: temp dirs that clean up (mounts included), tars built
// entry by entry, and a comparable description of a directory tree.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { unmount } from '../../src/snapshot/mount.js';
import { OverlayDiffer } from '../../src/snapshot/overlay-differ.js';
import { OverlaySnapshotter } from '../../src/snapshot/overlay-snapshotter.js';
import { llistxattrSync, lgetxattrSync } from '../../src/sys/syscalls.js';
import { END_OF_ARCHIVE, dataPadding, encodeTarHeader, type TarEntry } from '../../src/snapshot/tar-header.js';

/** A temp dir removed after the test; mount points registered with `mounts` are unmounted first. */
export function tempDir(t: TestContext, prefix = 'berth-snap-'): { dir: string; mounts: string[] } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const mounts: string[] = [];
  t.after(async () => {
    for (const m of mounts.reverse()) await unmount(m, { lazy: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, mounts };
}

export type Entry = TarEntry & { data?: string | Buffer };

/** A tar built from entries (file data included), as bytes. */
export function tarBytes(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    parts.push(encodeTarHeader({ mtime: 1_600_000_000, ...e, size: e.type === 'file' ? data.length : 0 }));
    if (e.type === 'file') parts.push(data, dataPadding(data.length));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

export function tarStream(entries: Entry[] | Buffer): Readable {
  const buf = Buffer.isBuffer(entries) ? entries : tarBytes(entries);
  // Small chunks, so entries straddle chunk boundaries as they do on the wire.
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 777) chunks.push(buf.subarray(i, i + 777));
  return Readable.from(chunks);
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface NodeDesc {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime?: number;
  content?: string;
  link?: string;
  rdev?: number;
  xattrs?: Record<string, string>;
}

/**
 * Describes every node under `root` (path → type, mode, owner, content hash, link, xattrs;
 * mtimes of non-directories when asked). Whiteout devices show as type 'whiteout'.
 */
export function describeTree(root: string, opts: { mtimes?: boolean } = {}): Record<string, NodeDesc> {
  const out: Record<string, NodeDesc> = {};
  const walk = (rel: string): void => {
    const abs = rel === '' ? root : join(root, rel);
    for (const name of readdirSync(abs).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const p = join(root, r);
      const st = lstatSync(p);
      const d: NodeDesc = { type: '', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) d.type = 'dir';
      else if (st.isSymbolicLink()) { d.type = 'symlink'; d.link = readlinkSync(p); }
      else if (st.isFile()) { d.type = 'file'; d.content = sha256(readFileSync(p)); }
      else if (st.isFIFO()) d.type = 'fifo';
      else if (st.isCharacterDevice()) { d.type = st.rdev === 0 ? 'whiteout' : 'chardev'; d.rdev = st.rdev; }
      else if (st.isBlockDevice()) { d.type = 'blockdev'; d.rdev = st.rdev; }
      if (opts.mtimes && !st.isDirectory()) d.mtime = Math.floor(st.mtimeMs / 1000);
      const xattrs: Record<string, string> = {};
      for (const n of llistxattrSync(p)) if (n !== 'security.selinux') xattrs[n] = lgetxattrSync(p, n)!.toString('hex');
      if (Object.keys(xattrs).length) d.xattrs = xattrs;
      out[r] = d;
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** A fresh overlay snapshotter and its Differ in a temp dir, with a scratch dir for mount points. */
export function overlayFixture(t: TestContext): { snapshotter: OverlaySnapshotter; differ: OverlayDiffer; scratch: string } {
  const { dir } = tempDir(t);
  const db = new Database(join(dir, 'meta.db'));
  t.after(() => db.close());
  const scratch = join(dir, 'mnt');
  mkdirSync(scratch);
  const snapshotter = new OverlaySnapshotter(db, join(dir, 'snapshots'));
  return { snapshotter, differ: new OverlayDiffer(snapshotter), scratch };
}
