// The Linux system calls Node lacks (mount, umount2, mknod, l*xattr), from the project's own
// N-API addon in native/ (loaded by native-addon.ts). The addon returns errno values; this module
// turns them into errors shaped like Node's own (code, errno, syscall, path).
import { getSystemErrorName } from 'node:util';
import { requireAddonPart } from './native-addon.js';

interface Addon {
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null, cwd: string | null): number;
  umount2(target: string, flags: number): number;
  mknod(path: string, mode: number, major: number, minor: number): number;
  lsetxattr(path: string, name: string, value: Uint8Array, flags: number): number;
  lgetxattr(path: string, name: string): Buffer | number;
  llistxattr(path: string): string[] | number;
}

const SYSCALLS = ['mount', 'umount2', 'mknod', 'lsetxattr', 'lgetxattr', 'llistxattr'] as const;

let addon: Addon | undefined;
function sys(): Addon {
  addon ??= requireAddonPart<Addon>(SYSCALLS);
  return addon;
}

function errnoError(errno: number, syscall: string, path: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(-errno);
  const err = new Error(`${code}: ${syscall} ${JSON.stringify(path)} failed`) as NodeJS.ErrnoException;
  err.code = code;
  err.errno = -errno;
  err.syscall = syscall;
  err.path = path;
  return err;
}

// mount(2) flags (linux/mount.h).
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOSYMFOLLOW: 0x100,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  SILENT: 0x8000,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
} as const;

export const MNT_FORCE = 1;
export const MNT_DETACH = 2;

export function mountSync(source: string | null, target: string, fstype: string | null, flags: number, data: string | null, cwd?: string): void {
  const e = sys().mount(source, target, fstype, flags >>> 0, data, cwd ?? null);
  if (e !== 0) throw errnoError(e, 'mount', target);
}

export function umount2Sync(target: string, flags = 0): void {
  const e = sys().umount2(target, flags);
  if (e !== 0) throw errnoError(e, 'umount2', target);
}

export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

export function mknodSync(path: string, mode: number, major = 0, minor = 0): void {
  const e = sys().mknod(path, mode, major, minor);
  if (e !== 0) throw errnoError(e, 'mknod', path);
}

export function lsetxattrSync(path: string, name: string, value: Uint8Array | string): void {
  const e = sys().lsetxattr(path, name, typeof value === 'string' ? Buffer.from(value) : value, 0);
  if (e !== 0) throw errnoError(e, 'lsetxattr', path);
}

/** The attribute's value, or undefined when the file has no such attribute. */
export function lgetxattrSync(path: string, name: string): Buffer | undefined {
  const r = sys().lgetxattr(path, name);
  if (typeof r !== 'number') return r;
  if (getSystemErrorName(-r) === 'ENODATA') return undefined;
  throw errnoError(r, 'lgetxattr', path);
}

export function llistxattrSync(path: string): string[] {
  const r = sys().llistxattr(path);
  if (typeof r !== 'number') return r;
  throw errnoError(r, 'llistxattr', path);
}
