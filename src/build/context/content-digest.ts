// The cache key of a set of files (what a COPY brings in): one digest over, for every entry in
// lexical order, its relative path, type, permission bits, owner, symlink target and content
// digest. Times are left out on purpose, so touching a file keeps the key while editing it, or
// chmod/chown, changes it.
import { createHash } from 'node:crypto';
import type { Digest } from '../../oci/digest.js';
import { NotFoundError } from '../../errors.js';
import { sourceRelative } from './copy-sources.js';
import type { KnownDigests } from './context-tar.js';
import { type TreeReader, directoryTree } from './tree-reader.js';

export interface DigestOptions {
  /** Leave out entries for which this returns true (paths relative to the root). */
  exclude?: (relPath: string) => boolean;
  /** Digests already known (hashed while the context was received): such files are not read again. */
  known?: KnownDigests;
}

export interface EntryRecord {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** sha256 of a regular file's bytes. */
  contentDigest?: Digest;
}

/** The records of `paths` (relative to `root`, directories walked), in the order hashed. */
export async function collectEntries(root: string | TreeReader, paths: readonly string[], opts: DigestOptions = {}): Promise<EntryRecord[]> {
  const tree = typeof root === 'string' ? directoryTree(root, opts.known) : root;
  const out: EntryRecord[] = [];
  const visit = async (rel: string): Promise<void> => {
    if (rel !== '.' && opts.exclude?.(rel)) return;
    const st = await tree.lstat(rel);
    if (!st) throw new NotFoundError(`"/${rel === '.' ? '' : rel}": not found`);
    const rec: EntryRecord = { path: rel, type: st.type, mode: st.mode, uid: st.uid, gid: st.gid };
    if (rec.type === 'symlink') rec.linkTarget = await tree.readlink(rel);
    if (rec.type === 'file') rec.contentDigest = await tree.fileDigest(rel);
    out.push(rec);
    if (rec.type === 'dir') {
      for (const name of (await tree.readdir(rel)) ?? []) await visit(rel === '.' ? name : `${rel}/${name}`);
    }
  };
  for (const p of [...new Set(paths.map(sourceRelative))].sort()) await visit(p);
  return out;
}

/** One digest for the files named by `paths` under `root` (see the header for what counts). */
export async function digestEntries(root: string | TreeReader, paths: readonly string[], opts: DigestOptions = {}): Promise<Digest> {
  const h = createHash('sha256');
  for (const r of await collectEntries(root, paths, opts)) {
    // One JSON array per entry: unambiguous however odd the file names are.
    h.update(JSON.stringify([r.path, r.type, r.mode, r.uid, r.gid, r.linkTarget ?? null, r.contentDigest ?? null]));
    h.update('\n');
  }
  return `sha256:${h.digest('hex')}` as Digest;
}
