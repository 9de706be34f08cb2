// A build context received as a tar (POST /build). Small contexts stay in memory: their files are
// hashed as they stream in, and a build whose steps all hit the cache never writes them to disk.
// The directory is written only when a step needs the files (materialize), or at once when the
// context outgrows the memory budget (from then on entries go straight to disk).
import { mkdir, readFile, rm } from 'node:fs/promises';
import { isErrno } from '../../errors.js';
import { archiveEntryError } from '../../fsutil/archive-errno.js';
import { resolveInRoot } from '../../fsutil/resolve-in-root.js';
import type { Header } from 'tar-stream';
import type { Digest } from '../../oci/digest.js';
import { cleanPath } from './clean-path.js';
import { type ChunkFeed, ContextDirWriter, HostileArchiveError, type KnownDigests, readTarEntries, safeEntryPath } from './context-tar.js';
import { type TreeReader, type TreeStat, directoryTree } from './tree-reader.js';
import { streamHasher } from './pool-sha256.js';

interface Node {
  stat: TreeStat;
  /** The tar header that made it (absent for directories only implied by deeper paths). */
  header?: Header;
  digest?: Digest;
  /** The digest while the thread pool still computes it. */
  pendingDigest?: Promise<Digest>;
  data?: Buffer[];
  linkTarget?: string;
  /** For a hard link: the path of the file it links to. */
  linkOf?: string;
  children?: Set<string>;
}

export interface ReceiveOptions {
  /** File bytes kept in memory before the context goes to disk (default 128 MiB). */
  memoryBudget?: number;
  /** Entries kept in memory before the context goes to disk (default 50,000). */
  maxEntries?: number;
}

const DEFAULT_BUDGET = 128 << 20;
/** Entries kept in memory at most (each costs a few hundred bytes even when empty). */
const MAX_ENTRIES_IN_MEMORY = 50_000;

/** A tar entry's body: the reader's entries are streams (events), tests may give plain arrays. */
type FileBody = AsyncIterable<Buffer> | readonly Buffer[];

interface EntryStream {
  on(event: 'data', l: (b: Buffer) => void): unknown;
  on(event: 'end' | 'close', l: () => void): unknown;
  on(event: 'error', l: (err: Error) => void): unknown;
}

/** A file's bytes as they came, hashed as they streamed in (off the event loop where it can). */
async function readFileBody(body: FileBody, expected: number): Promise<{ data: Buffer[]; size: number; digest: Promise<Digest> }> {
  const hash = streamHasher(expected);
  const data: Buffer[] = [];
  let size = 0;
  const take = (buf: Buffer): void => {
    hash.update(buf);
    data.push(buf);
    size += buf.length;
  };
  if ('on' in body && typeof body.on === 'function') {
    // By events: an async iteration costs a promise per chunk.
    const entry = body as unknown as EntryStream;
    await new Promise<void>((resolve, reject) => {
      let ended = false;
      entry.on('data', take);
      entry.on('end', () => {
        ended = true;
        resolve();
      });
      entry.on('error', reject);
      entry.on('close', () => {
        if (!ended) reject(new HostileArchiveError('unexpected end of the build context'));
      });
    });
  } else {
    for await (const buf of body) take(buf);
  }
  // Not awaited: the next entries are read while the pool finishes this file.
  return { data, size, digest: hash.digest() };
}

export class ReceivedContext {
  private readonly nodes = new Map<string, Node>();
  /** Insertion order of entries from the tar (the order they are written in). */
  private order: string[] = [];
  private held = 0;
  /** Digests still being computed (a node gets its digest when its promise settles). */
  private pending: Promise<void>[] = [];
  private writer?: ContextDirWriter;
  private materializing?: Promise<void>;
  private readonly uid = process.getuid?.() ?? 0;
  private readonly gid = process.getgid?.() ?? 0;
  private readonly chown = process.getuid?.() === 0;

  private constructor(readonly dir: string) {
    // The root is the scratch directory itself (made 0700 by mkdtemp).
    this.nodes.set('.', { stat: { type: 'dir', mode: 0o700, uid: this.uid, gid: this.gid, size: 0 }, children: new Set() });
  }

  /** Reads a context tar; `dir` (existing and empty) is where it goes when it must be on disk. */
  static async receive(stream: (AsyncIterable<Buffer> & { destroy?(): void }) | ChunkFeed, dir: string, opts: ReceiveOptions = {}): Promise<ReceivedContext> {
    const ctx = new ReceivedContext(dir);
    const budget = opts.memoryBudget ?? DEFAULT_BUDGET;
    const maxEntries = opts.maxEntries ?? MAX_ENTRIES_IN_MEMORY;
    try {
      await readTarEntries(stream, async (e) => {
        const isFile = e.header.type === 'file' || e.header.type === 'contiguous-file';
        if (!isFile) e.skip();
        if (ctx.writer) {
          await ctx.writer.add(e.header, e.rel, isFile ? e.body : undefined);
          return;
        }
        if ((isFile && ctx.held + (e.header.size ?? 0) > budget) || ctx.nodes.size >= maxEntries) {
          await ctx.materialize();
          await ctx.writer!.add(e.header, e.rel, isFile ? e.body : undefined);
          return;
        }
        await ctx.addToMemory(e.header, e.rel, isFile ? e.body : undefined);
      });
      await ctx.settleDigests();
      if (ctx.writer) await ctx.writer.finish();
    } catch (err) {
      await ctx.settleDigests().catch(() => undefined);
      await ctx.writer?.abandon();
      throw archiveEntryError(err);
    }
    return ctx;
  }

  /** Waits for the digests of the files read so far. */
  private async settleDigests(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** Whether the files are (also) on disk. */
  get onDisk(): boolean {
    return this.writer !== undefined;
  }

  /** The tree as the build reads it: from memory, or the directory once written. */
  reader(): TreeReader {
    return this.writer ? directoryTree(this.dir, this.writer.known) : this.memoryReader();
  }

  /** Writes what is still only in memory into the directory (once; later calls wait for it). */
  materialize(): Promise<void> {
    this.materializing ??= this.writeOut().catch((err: unknown) => {
      throw archiveEntryError(err);
    });
    return this.materializing;
  }

  /** A regular file's bytes (the Dockerfile, .dockerignore); undefined when there is no such file. */
  async readFile(path: string): Promise<Buffer | undefined> {
    const rel = cleanPath(path);
    if (rel.startsWith('..') || rel.startsWith('/')) return undefined;
    if (this.writer) return this.readFromDisk(rel);
    const node = this.nodes.get(rel);
    if (!node) {
      // A symlinked directory on the way is resolved by the file system.
      return this.throughSymlink(rel) ? this.readFromDisk(rel) : undefined;
    }
    if (node.stat.type === 'symlink') return this.readFromDisk(rel);
    if (node.stat.type !== 'file') return undefined;
    return Buffer.concat(this.nodeData(rel));
  }

  /** Removes an entry (and what is below it), as .dockerignore asks. */
  async remove(path: string): Promise<void> {
    const rel = cleanPath(path);
    if (this.writer) this.writer.known.delete(rel);
    if (this.materializing) await rm(this.full(rel), { recursive: true, force: true });
    const drop = (r: string): void => {
      const n = this.nodes.get(r);
      if (!n) return;
      for (const c of n.children ?? []) drop(`${r}/${c}`);
      if (n.data && n.linkOf === undefined) this.held -= n.stat.size;
      this.nodes.delete(r);
    };
    drop(rel);
    this.parentOf(rel)?.children?.delete(rel.split('/').pop()!);
  }

  private full(rel: string): string {
    return rel === '.' ? this.dir : `${this.dir}/${rel}`;
  }

  /** Reads through the file system (symlinks followed, but never out of the directory). */
  private async readFromDisk(rel: string): Promise<Buffer | undefined> {
    await this.materialize();
    try {
      return await readFile(await resolveInRoot(this.dir, rel));
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') || isErrno(err, 'EISDIR')) return undefined;
      throw err;
    }
  }

  private throughSymlink(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.nodes.get(parts.slice(0, i).join('/'))?.stat.type === 'symlink') return true;
    return false;
  }

  private parentOf(rel: string): Node | undefined {
    const i = rel.lastIndexOf('/');
    return this.nodes.get(i === -1 ? '.' : rel.slice(0, i));
  }

  private nodeData(rel: string): Buffer[] {
    const n = this.nodes.get(rel);
    return (n?.linkOf ? this.nodes.get(n.linkOf)?.data : n?.data) ?? [];
  }

  /** The parent directories of `rel`, made (as mkdir -p would) where absent; refuses symlinks and files on the way. */
  private ensureParents(rel: string): Node {
    const parts = rel.split('/');
    let cur = '.';
    let node = this.nodes.get('.')!;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = cur === '.' ? parts[i]! : `${cur}/${parts[i]}`;
      let child = this.nodes.get(next);
      if (child?.stat.type === 'symlink') throw new HostileArchiveError(`refusing to write through symlink: ${parts.slice(0, i + 1).join('/')}`);
      if (child && child.stat.type !== 'dir') throw new HostileArchiveError(`not a directory in archive path: ${parts.slice(0, i + 1).join('/')}`);
      if (!child) {
        child = { stat: { type: 'dir', mode: 0o755, uid: this.uid, gid: this.gid, size: 0 }, children: new Set() };
        this.nodes.set(next, child);
        node.children!.add(parts[i]!);
      }
      node = child;
      cur = next;
    }
    return node;
  }

  private async addToMemory(h: Header, rel: string, body: AsyncIterable<Buffer> | undefined): Promise<void> {
    const parent = this.ensureParents(rel);
    const name = rel.split('/').pop()!;
    const mode = (h.mode ?? 0o644) & 0o7777;
    const owner = this.chown ? { uid: h.uid ?? 0, gid: h.gid ?? 0 } : { uid: this.uid, gid: this.gid };
    const existing = this.nodes.get(rel);
    if (h.type === 'directory') {
      if (existing?.stat.type === 'dir') {
        existing.stat = { ...existing.stat, mode, ...owner };
        existing.header = h;
        this.touchOrder(rel);
        return;
      }
      if (existing) await this.remove(rel);
      this.nodes.set(rel, { stat: { type: 'dir', mode, ...owner, size: 0 }, header: h, children: new Set() });
    } else if (h.type === 'file' || h.type === 'contiguous-file') {
      const { data, size, digest } = await readFileBody(body ?? [], h.size ?? 0);
      if (existing) await this.remove(rel);
      this.held += size;
      const node: Node = { stat: { type: 'file', mode, ...owner, size }, header: h, data, pendingDigest: digest };
      this.nodes.set(rel, node);
      this.whenDigested(node, digest);
    } else if (h.type === 'symlink') {
      if (existing) await this.remove(rel);
      this.nodes.set(rel, { stat: { type: 'symlink', mode: 0o777, ...owner, size: 0 }, header: h, linkTarget: h.linkname ?? '' });
    } else if (h.type === 'link') {
      const linkRel = safeEntryPath(h.linkname ?? '');
      const target = linkRel === '.' ? undefined : this.nodes.get(linkRel);
      if (!target || target.stat.type !== 'file') throw new HostileArchiveError(`invalid hard link target: ${JSON.stringify(h.linkname)}`);
      if (existing) await this.remove(rel);
      const first = target.linkOf ?? linkRel;
      // The bytes stay reachable from the link too, should .dockerignore drop the first name.
      const node: Node = { stat: target.stat, header: h, linkOf: first, data: this.nodeData(first) };
      if (target.digest) node.digest = target.digest;
      else this.whenDigested(node, target.pendingDigest!);
      this.nodes.set(rel, node);
    } else {
      return; // fifos, devices: nothing a build context needs
    }
    parent.children!.add(name);
    this.touchOrder(rel);
  }

  private whenDigested(node: Node, digest: Promise<Digest>): void {
    node.pendingDigest = digest;
    const p = digest.then((d) => {
      node.digest = d;
      delete node.pendingDigest;
    });
    // Awaited by settleDigests; marked handled so a failure while reading ends in one error.
    p.catch(() => undefined);
    this.pending.push(p);
  }

  private touchOrder(rel: string): void {
    this.order.push(rel);
  }

  /** Every node as a directory reader would see it. */
  private memoryReader(): TreeReader {
    const get = (rel: string): Node | undefined => this.nodes.get(cleanPath(rel));
    return {
      lstat: async (rel) => get(rel)?.stat,
      readdir: async (rel) => {
        const n = get(rel);
        return n?.children ? [...n.children].sort() : undefined;
      },
      readlink: async (rel) => get(rel)?.linkTarget ?? '',
      fileDigest: async (rel) => get(rel)!.digest!,
    };
  }

  private async writeOut(): Promise<void> {
    await this.settleDigests();
    await mkdir(this.dir, { recursive: true });
    const writer = new ContextDirWriter(this.dir);
    // In tar order (a hard link comes after its target), each path once, at its last place.
    const last = new Map<string, number>();
    const written = new Set<string>();
    this.order.forEach((rel, i) => last.set(rel, i));
    for (const [i, rel] of this.order.entries()) {
      if (last.get(rel) !== i) continue;
      const n = this.nodes.get(rel);
      if (!n?.header) continue;
      const linkTo = n.linkOf !== undefined && written.has(n.linkOf) && this.nodes.has(n.linkOf) ? n.linkOf : undefined;
      if (linkTo !== undefined) await writer.add({ ...n.header, type: 'link', linkname: linkTo }, rel, undefined);
      else if (n.stat.type === 'file') await writer.add({ ...n.header, type: 'file', size: n.stat.size }, rel, n.data ?? [], n.digest);
      else await writer.add(n.header, rel, undefined);
      written.add(rel);
      if (n.data) delete n.data;
    }
    await writer.finish();
    this.held = 0;
    this.writer = writer;
  }
}

export type { KnownDigests };
