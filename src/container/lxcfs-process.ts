// lxcfs for "a /proc that tells the truth": berthd starts Debian's lxcfs on a mount point of its own
// (or uses one that already runs there or at the system's usual place), and stops it on shutdown
// when no container still reads from it (a running container's /proc/meminfo is a bind of it).
// A restarted berthd adopts the lxcfs its predecessor left serving, or replaces a dying one.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../fsutil/find-executable.js';
import { unmount } from '../snapshot/mount.js';
import { processAlive } from '../sys/process-alive.js';

/** Where Debian's lxcfs service mounts it. */
export const SYSTEM_LXCFS_MOUNT = '/var/lib/lxcfs';

/** How long a SIGTERMed lxcfs gets to take its mount down before it is killed. */
const UNMOUNT_GRACE_MS = 2000;

export interface LxcfsHandle {
  mountPoint: string;
  /** Started by this berthd (so it may stop it). */
  owned: boolean;
  pid?: number;
  /** Stops lxcfs and unmounts it when owned and nothing uses it. */
  stop(inUse: boolean): Promise<void>;
}

/** Mount points of fuse.lxcfs file systems, from /proc/self/mounts. */
export async function lxcfsMounts(): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'fuse.lxcfs' || (f[0] === 'lxcfs' && f[2]?.startsWith('fuse')))
    .map((f) => f[1]!.replace(/\\040/g, ' '));
}

/** A ready lxcfs mount answers with the files the spec binds (a dead one fails: ENOTCONN). */
function ready(mountPoint: string): boolean {
  return existsSync(join(mountPoint, 'proc', 'meminfo'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The lxcfs a berthd started on this exec root, while it lives: the pid in its pid file, when that
 * process's command line names the same pid file and mount point (a pid may have been reused).
 */
function lxcfsPid(pidFile: string, mountPoint: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    if (!(pid > 0)) return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv.at(-1) === mountPoint && argv.includes(pidFile) ? pid : undefined;
  } catch {
    return undefined; // no pid file, or the process is gone
  }
}

/** Waits until `done()` or the deadline; says whether it came true. */
async function waitFor(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; ; await sleep(20)) {
    if (await done()) return true;
    if (Date.now() > deadline) return false;
  }
}

/**
 * Ends an lxcfs and its mount. SIGTERM first, so it unmounts itself; once the mount is gone it only
 * waits for its load-average thread (up to 5 s, holding the pid file's lock meanwhile, which a new
 * lxcfs would fail on), so it is killed then.
 */
async function endLxcfs(pid: number | undefined, mountPoint: string): Promise<void> {
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitFor(async () => !processAlive(pid) || !(await lxcfsMounts()).includes(mountPoint), UNMOUNT_GRACE_MS);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it exited by itself
    }
    await waitFor(() => !processAlive(pid), 1000);
  }
  if ((await lxcfsMounts()).includes(mountPoint)) await unmount(mountPoint, { lazy: true }).catch(() => undefined);
}

export async function startLxcfs(execRoot: string, o: { binary?: string; timeoutMs?: number; log?: (m: string) => void } = {}): Promise<LxcfsHandle | undefined> {
  const log = o.log ?? (() => undefined);
  const mountPoint = join(execRoot, 'lxcfs');
  const pidFile = join(execRoot, 'lxcfs.pid');
  const mounted = await lxcfsMounts();
  const noop = async (): Promise<void> => undefined;
  if (mounted.includes(mountPoint) && ready(mountPoint)) {
    // Left serving by the previous berthd (containers used it, or it was killed): keep it, and own it again.
    return handle(mountPoint, lxcfsPid(pidFile, mountPoint));
  }
  if (mounted.includes(SYSTEM_LXCFS_MOUNT) && ready(SYSTEM_LXCFS_MOUNT)) return { mountPoint: SYSTEM_LXCFS_MOUNT, owned: false, stop: noop };
  const binary = o.binary ?? findExecutable('lxcfs');
  if (!binary || !existsSync('/dev/fuse')) return undefined;
  // What a previous one left: a dead mount, or an lxcfs still exiting (or hung) that holds the pid file.
  await endLxcfs(lxcfsPid(pidFile, mountPoint), mountPoint);
  mkdirSync(mountPoint, { recursive: true });
  const logFd = openSync(join(execRoot, 'lxcfs.log'), 'a');
  // --enable-cfs: /proc/cpuinfo and /sys/devices/system/cpu/online follow the CPU quota (--cpus);
  // -l: /proc/loadavg of the container's own processes.
  const child = spawn(binary, ['-f', '--enable-cfs', '-l', '-p', pidFile, mountPoint], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  const deadline = Date.now() + (o.timeoutMs ?? 5000);
  while (!ready(mountPoint)) {
    if (exited || Date.now() > deadline) {
      log(`lxcfs did not start (see ${join(execRoot, 'lxcfs.log')}); containers get the host's /proc files`);
      if (!exited && child.pid) process.kill(child.pid, 'SIGKILL');
      await unmount(mountPoint, { lazy: true }).catch(() => undefined);
      return undefined;
    }
    await sleep(20);
  }
  return handle(mountPoint, child.pid);
}

function handle(mountPoint: string, pid: number | undefined): LxcfsHandle {
  return {
    mountPoint,
    owned: true,
    ...(pid ? { pid } : {}),
    async stop(inUse: boolean): Promise<void> {
      if (!inUse) await endLxcfs(pid, mountPoint);
    },
  };
}
