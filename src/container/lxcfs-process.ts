// lxcfs for "a /proc that tells the truth": berthd starts Debian's lxcfs on a mount point of its own
// (or uses one that already runs there or at the system's usual place), and stops it on shutdown
// when no container still reads from it (a running container's /proc/meminfo is a bind of it).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../fsutil/find-executable.js';
import { unmount } from '../snapshot/mount.js';

/** Where Debian's lxcfs service mounts it. */
export const SYSTEM_LXCFS_MOUNT = '/var/lib/lxcfs';

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

/** A ready lxcfs mount answers with the files the spec binds. */
function ready(mountPoint: string): boolean {
  return existsSync(join(mountPoint, 'proc', 'meminfo'));
}

export async function startLxcfs(execRoot: string, o: { binary?: string; timeoutMs?: number; log?: (m: string) => void } = {}): Promise<LxcfsHandle | undefined> {
  const log = o.log ?? (() => undefined);
  const mountPoint = join(execRoot, 'lxcfs');
  const mounted = await lxcfsMounts();
  const noop = async (): Promise<void> => undefined;
  if (mounted.includes(mountPoint) && ready(mountPoint)) {
    // Left running by the previous berthd because containers used it: keep it, and own it again.
    const pid = Number.parseInt(await readFile(join(execRoot, 'lxcfs.pid'), 'utf8').catch(() => ''), 10);
    return handle(mountPoint, Number.isFinite(pid) ? pid : undefined);
  }
  if (mounted.includes(SYSTEM_LXCFS_MOUNT) && ready(SYSTEM_LXCFS_MOUNT)) return { mountPoint: SYSTEM_LXCFS_MOUNT, owned: false, stop: noop };
  const binary = o.binary ?? findExecutable('lxcfs');
  if (!binary || !existsSync('/dev/fuse')) return undefined;
  if (mounted.includes(mountPoint)) await unmount(mountPoint, { lazy: true }).catch(() => undefined); // a dead one
  mkdirSync(mountPoint, { recursive: true });
  const logFd = openSync(join(execRoot, 'lxcfs.log'), 'a');
  // --enable-cfs: /proc/cpuinfo and /sys/devices/system/cpu/online follow the CPU quota (--cpus);
  // -l: /proc/loadavg of the container's own processes.
  const child = spawn(binary, ['-f', '--enable-cfs', '-l', '-p', join(execRoot, 'lxcfs.pid'), mountPoint], {
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
    await new Promise((r) => setTimeout(r, 20));
  }
  return handle(mountPoint, child.pid);
}

function handle(mountPoint: string, pid: number | undefined): LxcfsHandle {
  return {
    mountPoint,
    owned: true,
    ...(pid ? { pid } : {}),
    async stop(inUse: boolean): Promise<void> {
      if (inUse) return;
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      }
      if ((await lxcfsMounts()).includes(mountPoint)) await unmount(mountPoint, { lazy: true }).catch(() => undefined);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
