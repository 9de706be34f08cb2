// Extracts an OCI/docker layer tar into a directory as an overlay layer, computing its diffID in
// the same pass. Whiteouts become what overlay reads: `.wh.<name>` → a 0/0 character device,
// `.wh..wh..opq` → the `trusted.overlay.opaque=y` xattr on the directory.
//
// Safety: nothing is ever written outside `dir`. Names are cleaned lexically and refused when they
// are absolute or climb out with `..`; every parent component is checked with lstat (a symlink
// on the way is refused, never followed); files are created with O_EXCL so a planted symlink is
// never written through; hard links must point at an earlier entry inside the layer.
// Device nodes other than whiteouts are created by default, as docker does: the runtime's device
// cgroup denies access to any device a container is not given, so a node in a layer grants
// nothing. `devices: 'refuse'` fails such a layer instead. Nothing is skipped silently except
// aufs' own `.wh..wh.*` bookkeeping files, which docker ignores as well.
//
// The work per entry is a handful of synchronous syscalls: each takes microseconds, and doing them
// inline is several times faster than a thread-pool round trip per call; file data is written in
// the chunks the tar stream delivers, so the event loop keeps turning between chunks.
import {
  closeSync, chmodSync, constants as fsc, fchmodSync, fchownSync, futimesSync, linkSync, lchownSync, lstatSync, lutimesSync, mkdirSync,
  openSync, rmSync, symlinkSync, writeSync,
} from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { join } from 'node:path';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { type Digest, Digester } from '../oci/digest.js';
import { type IdMap, hostOwner } from '../oci/id-map.js';
import { S_IFBLK, S_IFCHR, S_IFIFO, lsetxattrSync, mknodSync } from '../sys/syscalls.js';
import { XATTR_PREFIX, paxTime } from './tar-pax.js';
import { TarReader, type TarReadHeader as TarHeader } from './tar-reader.js';

/** A layer that tries to write outside its directory or is otherwise refused. */
export class UnsafeLayerError extends InvalidArgumentError {}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

export interface ApplyLayerOptions {
  /** Device nodes other than whiteouts: create them (default, docker's behaviour) or refuse the layer. */
  devices?: 'create' | 'refuse';
  /**
   * A remapped store (user namespaces): the tar's uids/gids are container ids, written as the host
   * ids they stand for; an id the mapping does not cover fails the layer, as docker's does.
   */
  idMap?: IdMap;
}

export interface ApplyLayerResult {
  /** sha256 of the uncompressed tar bytes. */
  diffId: Digest;
  /** Bytes of uncompressed tar read. */
  size: number;
}

const O_CREATE_FILE = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW; // libuv adds O_CLOEXEC

const UNCLEAN_PATH = /^\/|\/\/|(^|\/)\.\.?(\/|$)/;

/**
 * Cleans a tar path into a relative path below the root ('' for the root itself); refuses
 * absolute paths and paths that climb out.
 */
export function cleanLayerPath(name: string, what = 'path'): string {
  // The common case (`usr/bin/env`, `etc/`) has nothing to clean: skip the split.
  if (!UNCLEAN_PATH.test(name)) return name.endsWith('/') ? name.slice(0, -1) : name;
  if (name.startsWith('/')) throw new UnsafeLayerError(`${what} ${JSON.stringify(name)} is absolute: refusing to write outside the layer`);
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new UnsafeLayerError(`${what} ${JSON.stringify(name)} is outside of the layer root`);
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

class LayerWriter {
  /** Relative paths known to be real directories (made or checked during this extraction). */
  private readonly dirs = new Set<string>(['']);
  /** Directory times, set at the end once nothing more is written inside them. */
  private readonly dirTimes: Array<[string, number, number]> = [];

  constructor(private readonly root: string, private readonly opts: ApplyLayerOptions) {}

  private abs(rel: string): string {
    return rel === '' ? this.root : join(this.root, rel);
  }

  /** Makes sure every directory above `rel` is a real directory, creating missing ones (0755). */
  private ensureParents(rel: string, name: string): void {
    const parent = parentOf(rel);
    if (this.dirs.has(parent)) return;
    let cur = '';
    for (const part of parent.split('/')) {
      cur = cur === '' ? part : `${cur}/${part}`;
      if (this.dirs.has(cur)) continue;
      const p = this.abs(cur);
      try {
        mkdirSync(p, 0o755);
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
        const st = lstatSync(p);
        if (st.isSymbolicLink()) {
          throw new UnsafeLayerError(`${JSON.stringify(name)}: parent ${JSON.stringify(cur)} is a symlink: refusing to write through it`);
        }
        if (!st.isDirectory()) throw new UnsafeLayerError(`${JSON.stringify(name)}: parent ${JSON.stringify(cur)} is not a directory`);
      }
      this.dirs.add(cur);
    }
  }

  /** Checks, without creating anything, that every component above `rel` is a real directory. */
  private checkParents(rel: string, name: string): void {
    let cur = '';
    for (const part of parentOf(rel).split('/')) {
      if (part === '') break;
      cur = cur === '' ? part : `${cur}/${part}`;
      if (this.dirs.has(cur)) continue;
      const st = lstatSync(this.abs(cur), { throwIfNoEntry: false });
      if (!st || !st.isDirectory()) {
        throw new UnsafeLayerError(`${JSON.stringify(name)}: ${JSON.stringify(cur)} is not a directory inside the layer`);
      }
    }
  }

  /** Removes whatever is at `rel` (a replaced entry), forgetting directories known below it. */
  private removeExisting(rel: string): void {
    rmSync(this.abs(rel), { recursive: true, force: true });
    for (const d of this.dirs) if (d === rel || d.startsWith(`${rel}/`)) this.dirs.delete(d);
  }

  /** Runs `make`; when the path exists already, removes it and runs `make` again. */
  private create(rel: string, make: (p: string) => void): string {
    const p = this.abs(rel);
    try {
      make(p);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      this.removeExisting(rel);
      make(p);
    }
    return p;
  }

  /** The owner to write for an entry: its ids, shifted into the host range of a remapped store. */
  private owner(h: TarHeader): [number, number] {
    const uid = h.uid ?? 0;
    const gid = h.gid ?? 0;
    const map = this.opts.idMap;
    return [hostOwner(uid, map, 'uidMappings'), hostOwner(gid, map, 'gidMappings')];
  }

  private setMetadata(p: string, h: TarHeader, isSymlink: boolean): void {
    lchownSync(p, ...this.owner(h));
    if (h.pax) this.setXattrs(p, h);
    // After chown, which clears setuid/setgid bits.
    if (!isSymlink) chmodSync(p, (h.mode ?? 0o644) & 0o7777);
  }

  private setXattrs(p: string, h: TarHeader): void {
    if (h.pax) {
      for (const [key, value] of Object.entries(h.pax)) {
        if (!key.startsWith(XATTR_PREFIX)) continue;
        const attr = key.slice(XATTR_PREFIX.length);
        if (attr.startsWith('trusted.overlay.')) {
          // Overlay's own attributes steer the merged view (redirects, origins); a layer must not set them.
          throw new UnsafeLayerError(`${JSON.stringify(h.name)}: layer sets overlay's own attribute ${attr}`);
        }
        try {
          lsetxattrSync(p, attr, Buffer.from(value, 'latin1'));
        } catch (err) {
          // As docker: a filesystem without support for an attribute namespace is not fatal.
          if (!isErrno(err, 'ENOTSUP') && !isErrno(err, 'EOPNOTSUPP')) throw err;
        }
      }
    }
  }

  private setTimes(p: string, h: TarHeader): void {
    const mtime = paxTime(h, 'mtime') ?? 0;
    lutimesSync(p, paxTime(h, 'atime') ?? mtime, mtime);
  }

  /** Handles one entry; for regular files returns the open fd the data goes to. */
  begin(h: TarHeader): number | undefined {
    const rel = cleanLayerPath(h.name);
    const base = baseOf(rel);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      this.whiteout(rel, base, h);
      return undefined;
    }
    if (rel === '') {
      if (h.type !== 'directory') throw new UnsafeLayerError(`${JSON.stringify(h.name)}: the layer root can only be a directory`);
      this.setMetadata(this.root, h, false);
      this.dirTimes.push([this.root, paxTime(h, 'atime') ?? paxTime(h, 'mtime') ?? 0, paxTime(h, 'mtime') ?? 0]);
      return undefined;
    }
    this.ensureParents(rel, h.name);
    switch (h.type) {
      case 'directory': {
        const p = this.abs(rel);
        try {
          mkdirSync(p, 0o700);
        } catch (err) {
          if (!isErrno(err, 'EEXIST')) throw err;
          if (!lstatSync(p).isDirectory()) {
            this.removeExisting(rel);
            mkdirSync(p, 0o700);
          }
        }
        this.dirs.add(rel);
        this.setMetadata(p, h, false);
        const mtime = paxTime(h, 'mtime') ?? 0;
        this.dirTimes.push([p, paxTime(h, 'atime') ?? mtime, mtime]);
        return undefined;
      }
      case 'file':
      case 'contiguous-file': {
        let fd = -1;
        this.create(rel, (p) => {
          fd = openSync(p, O_CREATE_FILE, 0o600);
        });
        return fd;
      }
      case 'symlink': {
        const p = this.create(rel, (q) => symlinkSync(h.linkname ?? '', q));
        this.setMetadata(p, h, true);
        this.setTimes(p, h);
        return undefined;
      }
      case 'link': {
        const target = cleanLayerPath(h.linkname ?? '', `hard link target of ${JSON.stringify(h.name)}:`);
        if (target === '') throw new UnsafeLayerError(`invalid hardlink ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}`);
        this.checkParents(target, h.name);
        const st = lstatSync(this.abs(target), { throwIfNoEntry: false });
        if (!st || st.isDirectory()) {
          throw new UnsafeLayerError(`invalid hardlink ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}: target is not a file in this layer`);
        }
        this.create(rel, (p) => linkSync(this.abs(target), p));
        return undefined;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        if (h.type !== 'fifo' && this.opts.devices === 'refuse') {
          throw new UnsafeLayerError(`${JSON.stringify(h.name)}: device nodes are not allowed in this layer`);
        }
        const kind = h.type === 'fifo' ? S_IFIFO : h.type === 'block-device' ? S_IFBLK : S_IFCHR;
        const p = this.create(rel, (q) => mknodSync(q, kind | 0o600, h.devmajor ?? 0, h.devminor ?? 0));
        this.setMetadata(p, h, false);
        this.setTimes(p, h);
        return undefined;
      }
      default:
        throw new InvalidArgumentError(`${JSON.stringify(h.name)}: unhandled tar header type ${String(h.type)}`);
    }
  }

  /** Called after a regular file's data is written, before its fd is closed. */
  finishFile(fd: number, h: TarHeader): void {
    // By fd where there is a call for it: no path walk per syscall.
    fchownSync(fd, ...this.owner(h));
    if (h.pax) this.setXattrs(this.abs(cleanLayerPath(h.name)), h);
    fchmodSync(fd, (h.mode ?? 0o644) & 0o7777);
    const mtime = paxTime(h, 'mtime') ?? 0;
    futimesSync(fd, paxTime(h, 'atime') ?? mtime, mtime);
  }

  private whiteout(rel: string, base: string, h: TarHeader): void {
    this.ensureParents(rel, h.name);
    const dirRel = parentOf(rel);
    if (base === OPAQUE_WHITEOUT) {
      lsetxattrSync(this.abs(dirRel), OVERLAY_OPAQUE_XATTR, 'y');
      return;
    }
    if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // aufs bookkeeping (.wh..wh.plnk …)
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') throw new UnsafeLayerError(`invalid whiteout ${JSON.stringify(h.name)}`);
    const targetRel = dirRel === '' ? name : `${dirRel}/${name}`;
    const p = this.create(targetRel, (q) => mknodSync(q, S_IFCHR, 0, 0));
    this.dirs.delete(targetRel);
    lchownSync(p, ...this.owner(h));
  }

  finish(): void {
    for (const [p, atime, mtime] of this.dirTimes) {
      // A later entry may have replaced the directory; lutimes never follows a symlink.
      lutimesSync(p, atime, mtime);
    }
  }
}

function shortName(name: string): string {
  return name.length > 100 ? `${name.slice(0, 48)}…${name.slice(-48)}` : name;
}

function writeAll(fd: number, chunk: Uint8Array): void {
  for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off, chunk.length - off);
}

/**
 * Extracts an uncompressed layer tar into `dir` (an overlay layer directory, e.g. the upper dir of
 * an active snapshot) and returns its diffID. On error, `dir` is left partly written: the caller
 * removes the snapshot.
 */
export async function applyLayer(tar: Readable, dir: string, opts: ApplyLayerOptions = {}): Promise<ApplyLayerResult> {
  const digester = new Digester('sha256');
  const writer = new LayerWriter(dir, opts);
  let fd: number | undefined;
  let current: TarHeader | undefined;
  const reader = new TarReader({
    entry(h) {
      current = h;
      fd = writer.begin(h);
    },
    data(chunk) {
      if (fd !== undefined) writeAll(fd, chunk);
    },
    end() {
      if (fd === undefined) return;
      const file = fd;
      fd = undefined;
      try {
        writer.finishFile(file, current!);
      } finally {
        closeSync(file);
      }
    },
  });
  // A decompressor's output buffer is small (16 KiB by default): without a deeper buffer here it
  // would stop after every chunk and wait for the extraction instead of inflating the next one.
  const ahead = new PassThrough({ highWaterMark: READ_AHEAD });
  tar.on('error', (err) => ahead.destroy(err));
  tar.pipe(ahead);
  try {
    for await (const chunk of ahead) {
      digester.update(chunk as Buffer);
      reader.push(chunk as Buffer);
    }
    reader.end();
  } catch (err) {
    tar.unpipe(ahead);
    tar.destroy();
    // A 64 KiB name would otherwise come back whole, in an untyped error (a 500).
    if (isErrno(err, 'ENAMETOOLONG')) throw new UnsafeLayerError(`${JSON.stringify(shortName(current?.name ?? ''))}: file name too long`);
    throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  writer.finish();
  return { diffId: digester.digest(), size: digester.size };
}

/** How far the source may run ahead of extraction (lets a decompressor upstream keep working). */
const READ_AHEAD = 8 << 20;
