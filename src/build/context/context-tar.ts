// The build context as the docker CLI sends it in `POST /build`: a tar of the context directory,
// .dockerignore applied (with the CLI's walk rules: an excluded directory is skipped unless a
// `!` pattern may re-include something below it), owners set to 0:0, hard links kept as links,
// sockets left out. And the daemon side: reading such a tar into a directory, refusing entries
// that would land outside it (absolute or `..` paths, paths through symlinks, links out).
import { createReadStream, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { chmod, lchown, link, lstat, mkdir, open, readdir, readlink, rm, symlink, utimes, lutimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { extract as tarExtract, pack as tarPack, type Header, type Pack } from 'tar-stream';
import { InvalidArgumentError, isErrno } from '../../errors.js';
import type { Digest } from '../../oci/digest.js';
import { cleanPath } from './clean-path.js';
import { type ParentMatches, PatternMatcher } from './pattern-matcher.js';

export interface PackOptions {
  /** .dockerignore patterns (already parsed). */
  excludes?: readonly string[];
}

/** Streams `dir` as a tar, in lexical order, paths relative to `dir`. */
export function packContext(dir: string, opts: PackOptions = {}): Readable {
  const pack = tarPack();
  const matcher = new PatternMatcher(opts.excludes ?? []);
  writeEntries(pack, dir, matcher).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return Readable.from(pack);
}

type EntryHeader = Partial<Header> & Pick<Header, 'name'>;

async function addEntry(pack: Pack, header: EntryHeader, body?: Readable): Promise<void> {
  if (!body) {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (header.type === 'file') pack.entry(header, '', done);
      else pack.entry(header, done);
    });
    return;
  }
  let entry!: ReturnType<Pack['entry']>;
  const finished = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
  let written = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    written += buf.length;
    if (written > (header.size ?? 0)) throw new Error(`file ${header.name} grew while being sent`);
    if (!entry.write(buf)) await once(entry, 'drain');
  }
  if (written !== header.size) throw new Error(`file ${header.name} changed size while being sent`);
  entry.end(undefined);
  await finished;
}

async function writeEntries(pack: Pack, root: string, matcher: PatternMatcher): Promise<void> {
  const seenInodes = new Map<string, string>();
  const walk = async (relDir: string, parent: ParentMatches | undefined): Promise<void> => {
    const names = (await readdir(relDir ? join(root, relDir) : root)).sort();
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const full = join(root, rel);
      const st = await lstat(full);
      const { excluded, info } = matcher.matchesUsingParentResults(rel, parent);
      if (excluded) {
        if (!st.isDirectory()) continue;
        if (!matcher.hasExclusions || !matcher.mayReincludeBelow(rel)) continue;
        await walk(rel, info); // walked for exceptions, but not itself part of the tar
        continue;
      }
      const header: EntryHeader = { name: rel, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
      if (st.isDirectory()) {
        await addEntry(pack, { ...header, name: rel + '/', type: 'directory' });
        await walk(rel, info);
      } else if (st.isSymbolicLink()) {
        await addEntry(pack, { ...header, type: 'symlink', linkname: await readlink(full) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seenInodes.get(key) : undefined;
        if (first !== undefined) {
          await addEntry(pack, { ...header, type: 'link', linkname: first, size: 0 });
          continue;
        }
        if (st.nlink > 1) seenInodes.set(key, rel);
        await addEntry(pack, { ...header, type: 'file', size: st.size }, st.size > 0 ? createReadStream(full) : undefined);
      } else if (st.isFIFO()) {
        await addEntry(pack, { ...header, type: 'fifo' });
      }
      // sockets and device nodes do not belong in a build context
    }
  };
  await walk('', undefined);
}

export class HostileArchiveError extends InvalidArgumentError {}

/** A tar entry name made relative and clean; throws for names that leave the directory. */
export function safeEntryPath(name: string): string {
  if (name.includes('\0')) throw new HostileArchiveError(`invalid path in archive: ${JSON.stringify(name)}`);
  if (name.startsWith('/')) throw new HostileArchiveError(`refusing absolute path in archive: ${JSON.stringify(name)}`);
  const parts = name.split('/');
  if (parts.includes('..')) throw new HostileArchiveError(`refusing path with .. in archive: ${JSON.stringify(name)}`);
  const clean = cleanPath(name);
  if (clean === '.' ) return '.';
  return clean;
}

/** Throws when an existing ancestor of `rel` inside `root` is not a real directory. */
async function assertNoSymlinkAncestor(root: string, rel: string): Promise<void> {
  const parts = rel.split('/');
  let cur = root;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = join(cur, parts[i]!);
    try {
      const st = await lstat(cur);
      if (st.isSymbolicLink()) throw new HostileArchiveError(`refusing to write through symlink: ${parts.slice(0, i + 1).join('/')}`);
      if (!st.isDirectory()) throw new HostileArchiveError(`not a directory in archive path: ${parts.slice(0, i + 1).join('/')}`);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return; // created below by mkdir
      throw err;
    }
  }
}

export interface UnpackOptions {
  /** Apply uid/gid from the archive (default: only when running as root). */
  chown?: boolean;
}

/**
 * What unpacking learnt of each regular file: its content digest, hashed as the bytes streamed
 * in, with the size and mtime it was written with (a file that no longer has them is hashed again).
 * Keyed by the path relative to the context directory.
 */
export type KnownDigests = Map<string, { digest: Digest; size: number; mtimeMs: number }>;

/** Where the chunks go: the tar reader (its write returns false when it wants no more for now). */
export interface FeedSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): unknown;
}

/** Chunks pushed into the tar reader (src/build/request-feed.ts) rather than iterated. */
export interface ChunkFeed {
  /** Writes every chunk into `sink` and ends it; rejects when the request fails. */
  pipeTo(sink: FeedSink, stopped: Promise<void>): Promise<void>;
  destroy(): void;
}

/** One entry of a context tar: its header, and its body for regular files. */
export interface TarEntry {
  header: Header;
  /** The entry's clean relative path (never '.'). */
  rel: string;
  body: AsyncIterable<Buffer>;
  /** Skips the body (entries without one, or whose body is not wanted). */
  skip(): void;
}

/**
 * Feeds a tar stream through the reader and hands each entry (paths checked, the root entry
 * left out) to `onEntry`, one at a time; errors on either side end both.
 */
export async function readTarEntries(stream: (AsyncIterable<Buffer> & { destroy?(): void }) | ChunkFeed, onEntry: (e: TarEntry) => Promise<void>): Promise<void> {
  const extract = tarExtract();
  let failed = false;
  let stopFeeding!: () => void;
  const stopped = new Promise<void>((resolve) => (stopFeeding = resolve));
  const consume = async (): Promise<void> => {
    for await (const entry of extract) {
      const rel = safeEntryPath(entry.header.name);
      if (rel === '.') {
        entry.resume();
        continue;
      }
      await onEntry({ header: entry.header, rel, body: entry as AsyncIterable<Buffer>, skip: () => entry.resume() });
    }
  };
  // The tar reader is a streamx stream: feed it by hand, backpressure and errors included.
  const feeding = (async () => {
    try {
      if ('pipeTo' in stream) {
        await stream.pipeTo({ write: (c) => extract.write(c), once: (e, l) => extract.once(e, l), end: () => extract.end(undefined) }, stopped);
        return;
      }
      for await (const chunk of stream) {
        if (failed) return;
        if (!extract.write(chunk)) await Promise.race([once(extract, 'drain'), stopped]);
      }
      extract.end(undefined);
    } catch (err) {
      extract.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  })();
  feeding.catch(() => undefined);
  try {
    await consume();
  } catch (err) {
    failed = true;
    stopFeeding();
    extract.destroy();
    // A stream that can be destroyed ends the feeding now; a plain iterator ends at its next chunk.
    if (stream.destroy) {
      stream.destroy();
      await feeding.catch(() => undefined);
    }
    throw err;
  }
  await feeding;
}

/**
 * Writes context tar entries into a directory. Each file is hashed while it streams in; its
 * mode, times and owner are set while the next entries are read. The context is scratch data:
 * nothing is synced.
 */
export class ContextDirWriter {
  readonly known: KnownDigests = new Map();
  private readonly dirTimes: [string, Date][] = [];
  private readonly finishing = new Set<Promise<void>>();
  private readonly madeDirs = new Set<string>();
  private readonly chown: boolean;

  constructor(
    readonly dir: string,
    opts: UnpackOptions = {},
  ) {
    this.chown = opts.chown ?? process.getuid?.() === 0;
  }

  private async ensureParent(target: string): Promise<void> {
    const parent = dirname(target);
    if (this.madeDirs.has(parent)) return;
    await mkdir(parent, { recursive: true });
    this.madeDirs.add(parent);
  }

  /** Writes one entry; a file's body may come as a stream or, already read, as chunks. */
  async add(h: Header, rel: string, body: AsyncIterable<Buffer> | readonly Buffer[] | undefined, knownDigest?: Digest): Promise<void> {
    const dir = this.dir;
    await assertNoSymlinkAncestor(dir, rel);
    const target = join(dir, rel);
    await this.ensureParent(target);
    const mode = (h.mode ?? 0o644) & 0o7777;
    switch (h.type) {
      case 'directory': {
        try {
          const st = await lstat(target);
          if (!st.isDirectory()) await rm(target, { force: true, recursive: true });
        } catch (err) {
          if (!isErrno(err, 'ENOENT')) throw err;
        }
        await mkdir(target, { recursive: true });
        this.madeDirs.add(target);
        await chmod(target, mode);
        if (h.mtime) this.dirTimes.push([target, h.mtime]);
        break;
      }
      case 'file':
      case 'contiguous-file': {
        this.known.delete(rel);
        const fh = await open(target, 'wx', mode).catch(async (err: unknown) => {
          if (!isErrno(err, 'EEXIST')) throw err;
          await rm(target, { force: true, recursive: true });
          this.madeDirs.delete(target);
          return open(target, 'wx', mode);
        });
        const hash = knownDigest ? undefined : createHash('sha256');
        let pos = 0;
        try {
          // Synchronous writes: a chunk lands in the page cache in microseconds, far less than
          // what a round trip through the thread pool per chunk costs.
          for await (const buf of body ?? []) {
            hash?.update(buf);
            for (let off = 0; off < buf.length; ) off += writeSync(fh.fd, buf, off, buf.length - off, pos + off);
            pos += buf.length;
          }
        } catch (err) {
          await fh.close();
          throw err;
        }
        const mtime = h.mtime;
        if (mtime) this.known.set(rel, { digest: knownDigest ?? (`sha256:${hash!.digest('hex')}` as Digest), size: pos, mtimeMs: mtime.getTime() });
        const chown = this.chown;
        const done = (async () => {
          try {
            await fh.chmod(mode);
            if (mtime) await fh.utimes(mtime, mtime);
            if (chown) await fh.chown(h.uid ?? 0, h.gid ?? 0);
          } finally {
            await fh.close();
          }
        })();
        this.finishing.add(done);
        done.then(() => this.finishing.delete(done), () => undefined);
        return;
      }
      case 'symlink': {
        await rm(target, { force: true, recursive: true });
        this.known.delete(rel);
        await symlink(h.linkname ?? '', target);
        if (h.mtime) await lutimes(target, h.mtime, h.mtime).catch(() => undefined);
        break;
      }
      case 'link': {
        const linkRel = safeEntryPath(h.linkname ?? '');
        if (linkRel === '.') throw new HostileArchiveError(`invalid hard link target: ${JSON.stringify(h.linkname)}`);
        await assertNoSymlinkAncestor(dir, linkRel);
        const st = await lstat(join(dir, linkRel)).catch(() => undefined);
        if (!st || st.isSymbolicLink() || st.isDirectory()) throw new HostileArchiveError(`invalid hard link target: ${JSON.stringify(h.linkname)}`);
        await rm(target, { force: true, recursive: true });
        await link(join(dir, linkRel), target);
        const first = this.known.get(linkRel);
        if (first) this.known.set(rel, first);
        else this.known.delete(rel);
        return;
      }
      default:
        // fifos, devices, pax/gnu headers handled by the reader: nothing a build context needs
        return;
    }
    if (this.chown) await lchown(target, h.uid ?? 0, h.gid ?? 0);
  }

  /** Waits for the files still being finished, then sets directory times (children changed them). */
  async finish(): Promise<KnownDigests> {
    await Promise.all([...this.finishing]);
    for (const [d, t] of this.dirTimes.reverse()) await utimes(d, t, t);
    this.dirTimes.length = 0;
    return this.known;
  }

  /** Lets files still being finished settle (after a failure). */
  async abandon(): Promise<void> {
    await Promise.allSettled([...this.finishing]);
  }
}

/** Reads a context tar into `dir` (which should be empty); refuses hostile entries. */
export async function unpackContext(stream: AsyncIterable<Buffer> & { destroy?(): void }, dir: string, opts: UnpackOptions = {}): Promise<KnownDigests> {
  await mkdir(dir, { recursive: true });
  const writer = new ContextDirWriter(dir, opts);
  try {
    await readTarEntries(stream, async (e) => {
      const isFile = e.header.type === 'file' || e.header.type === 'contiguous-file';
      if (!isFile) e.skip();
      await writer.add(e.header, e.rel, isFile ? e.body : undefined);
    });
  } catch (err) {
    await writer.abandon();
    throw err;
  }
  return writer.finish();
}
