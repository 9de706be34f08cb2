// The one shape that flows from snapshots to the runtime, and the one place mounts are made.
// A Mount is containerd's: {type, source, target?, options}. Options are mount(8)-style words;
// flag words (ro, nosuid, bind, rbind, …) become mount(2) flags, the rest is the fs data string
// (overlay's lowerdir=…,upperdir=…,workdir=…). Overlay options are built here and nowhere else.
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { MNT_DETACH, MS, mountSync, umount2Sync } from '../sys/syscalls.js';

export interface Mount {
  /** Filesystem type: `overlay`, `bind`, `tmpfs`, … */
  type: string;
  source: string;
  /** Sub-path under the mount root given to mountAll; the root itself when absent. */
  target?: string;
  options: string[];
}

/** What fits in one mount(2) data page (the kernel copies at most a page, NUL included). */
const MAX_MOUNT_DATA = 4095;

export interface OverlayMountSpec {
  /** Read-only layers, top-most first. At least one. */
  lowerDirs: string[];
  /** Writable layer; omitted for a read-only view. */
  upperDir?: string;
  workDir?: string;
}

/** The overlay Mount for a stack of layer dirs (plus an upper and work dir when writable). */
export function overlayMount(spec: OverlayMountSpec): Mount {
  if (spec.lowerDirs.length === 0) throw new InvalidArgumentError('overlay mount needs at least one lower dir');
  if ((spec.upperDir === undefined) !== (spec.workDir === undefined)) {
    throw new InvalidArgumentError('overlay mount needs both an upper and a work dir, or neither');
  }
  for (const d of [...spec.lowerDirs, spec.upperDir ?? '/', spec.workDir ?? '/']) {
    // ',' and ':' separate overlay options and lower dirs; we never make such paths, refuse them.
    if (!isAbsolute(d) || /[,:]/.test(d)) throw new InvalidArgumentError(`overlay layer path not usable: ${JSON.stringify(d)}`);
  }
  // index=off: lower dirs are shared by many mounts at once; the inode index would tie a lower dir
  // to the first upper it was used with and make later mounts fail.
  const options = ['index=off'];
  if (spec.upperDir !== undefined) options.push(`workdir=${spec.workDir}`, `upperdir=${spec.upperDir}`);
  options.push(`lowerdir=${spec.lowerDirs.join(':')}`);
  return { type: 'overlay', source: 'overlay', options };
}

/** A bind Mount of one directory (read-only when asked). */
export function bindMount(source: string, opts: { readonly?: boolean } = {}): Mount {
  return { type: 'bind', source, options: [opts.readonly ? 'ro' : 'rw', 'rbind'] };
}

// Flag words of mount(8): [flag, set (true) or clear (false)].
const FLAG_WORDS: Record<string, [number, boolean]> = {
  ro: [MS.RDONLY, true], rw: [MS.RDONLY, false],
  nosuid: [MS.NOSUID, true], suid: [MS.NOSUID, false],
  nodev: [MS.NODEV, true], dev: [MS.NODEV, false],
  noexec: [MS.NOEXEC, true], exec: [MS.NOEXEC, false],
  sync: [MS.SYNCHRONOUS, true], async: [MS.SYNCHRONOUS, false],
  dirsync: [MS.DIRSYNC, true],
  remount: [MS.REMOUNT, true],
  mand: [MS.MANDLOCK, true], nomand: [MS.MANDLOCK, false],
  noatime: [MS.NOATIME, true], atime: [MS.NOATIME, false],
  nodiratime: [MS.NODIRATIME, true], diratime: [MS.NODIRATIME, false],
  relatime: [MS.RELATIME, true], norelatime: [MS.RELATIME, false],
  strictatime: [MS.STRICTATIME, true], nostrictatime: [MS.STRICTATIME, false],
  nosymfollow: [MS.NOSYMFOLLOW, true],
  bind: [MS.BIND, true],
  rbind: [MS.BIND | MS.REC, true],
  defaults: [0, false],
};

const PROPAGATION_WORDS: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

interface ParsedOptions {
  flags: number;
  propagation: number;
  data: string[];
}

function parseOptions(options: string[]): ParsedOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const o of options) {
    const f = FLAG_WORDS[o];
    if (f) {
      flags = f[1] ? flags | f[0] : flags & ~f[0];
    } else if (PROPAGATION_WORDS[o] !== undefined) {
      propagation |= PROPAGATION_WORDS[o]!;
    } else {
      data.push(o);
    }
  }
  return { flags, propagation, data };
}

/**
 * Overlay data too long for one page: rewrite the layer paths relative to their common parent and
 * mount from there (the kernel resolves them against the caller's working directory).
 */
function shortenOverlayData(data: string[]): { data: string; cwd?: string } {
  const joined = data.join(',');
  if (joined.length <= MAX_MOUNT_DATA) return { data: joined };
  const paths: string[] = [];
  for (const o of data) {
    const m = /^(lowerdir|upperdir|workdir)=(.*)$/.exec(o);
    if (m) paths.push(...m[2]!.split(':'));
  }
  let common = dirname(paths[0]!);
  for (const p of paths) while (common !== sep && !p.startsWith(common + sep)) common = dirname(common);
  const rel = (p: string): string => relative(common, p);
  const rewritten = data.map((o) => {
    const m = /^(lowerdir|upperdir|workdir)=(.*)$/.exec(o);
    return m ? `${m[1]}=${m[2]!.split(':').map(rel).join(':')}` : o;
  }).join(',');
  if (rewritten.length > MAX_MOUNT_DATA) {
    throw new InvalidArgumentError(`too many layers to mount: overlay options are ${rewritten.length} bytes (limit ${MAX_MOUNT_DATA})`);
  }
  return { data: rewritten, cwd: common };
}

function mountOne(m: Mount, target: string): void {
  const { flags, propagation, data } = parseOptions(m.options);
  if (m.type === 'bind' || (flags & MS.BIND) !== 0) {
    const bindFlags = MS.BIND | (flags & MS.REC);
    mountSync(m.source, target, null, bindFlags, null);
    // A bind mount ignores other flags on the first call; apply them with a remount.
    const rest = flags & ~(MS.BIND | MS.REC);
    if (rest !== 0) mountSync(null, target, null, MS.REMOUNT | MS.BIND | rest, null);
  } else if (m.type === 'overlay') {
    const { data: d, cwd } = shortenOverlayData(data);
    mountSync(m.source, target, 'overlay', flags, d, cwd);
  } else {
    mountSync(m.source, target, m.type, flags, data.length ? data.join(',') : null);
  }
  if (propagation !== 0) mountSync(null, target, null, propagation, null);
}

/**
 * Mounts each Mount at `target` (or `target/<m.target>`), in order. On failure the mounts already
 * made are undone and the error is thrown.
 */
export async function mountAll(mounts: Mount[], target: string): Promise<void> {
  const done: string[] = [];
  try {
    for (const m of mounts) {
      const t = m.target ? join(target, m.target) : target;
      mountOne(m, t);
      done.push(t);
    }
  } catch (err) {
    for (const t of done.reverse()) await unmount(t, { lazy: true }).catch(() => undefined);
    throw err;
  }
}

export interface UnmountOptions {
  /** Detach now and let the kernel finish when the mount is no longer busy (MNT_DETACH). */
  lazy?: boolean;
}

/**
 * Unmounts everything stacked on `target` (repeats until nothing is mounted there). Not mounted
 * is not an error. A busy mount is retried for a short while before the error is thrown.
 */
export async function unmount(target: string, opts: UnmountOptions = {}): Promise<void> {
  const flags = opts.lazy ? MNT_DETACH : 0;
  for (let busyTries = 0; ;) {
    try {
      umount2Sync(target, flags);
    } catch (err) {
      if (isErrno(err, 'EINVAL') || isErrno(err, 'ENOENT')) return;
      if (isErrno(err, 'EBUSY') && busyTries++ < 50) {
        await sleep(10);
        continue;
      }
      throw err;
    }
  }
}
