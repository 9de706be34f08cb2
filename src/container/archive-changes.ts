// `docker diff` from a container's overlay upper dir: a 0/0 character device is a deletion (2), a
// path the image has is a change (0), anything else an addition (1). The files runtime setup makes
// (docker keeps them in a separate init layer) are left out.
import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '../snapshot/mount.js';

export interface ContainerChange {
  Path: string;
  /** 0 modified, 1 added, 2 deleted. */
  Kind: 0 | 1 | 2;
}

/** What docker's init layer holds: mount points and files the engine provides. */
const INIT_PATHS = new Set([
  '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/proc', '/sys', '/sys/fs', '/sys/fs/cgroup',
  '/.dockerenv', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/etc/mtab', '/sbin/docker-init',
]);

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function lowerDirsOf(mounts: Mount[]): string[] {
  for (const m of mounts) {
    for (const o of m.options) if (o.startsWith('lowerdir=')) return o.slice('lowerdir='.length).split(':');
  }
  return [];
}

async function inLower(lowers: string[], rel: string): Promise<boolean> {
  for (const l of lowers) {
    const st = await lstat(join(l, rel)).catch(() => undefined);
    if (st) return !isWhiteout(st);
  }
  return false;
}

export async function containerChanges(upperDir: string, mounts: Mount[]): Promise<ContainerChange[]> {
  const lowers = lowerDirsOf(mounts);
  const out: ContainerChange[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(upperDir, rel))).sort();
    for (const n of names) {
      const r = `${rel}/${n}`;
      const st = await lstat(join(upperDir, r)).catch(() => undefined);
      if (!st) continue;
      if (isWhiteout(st)) {
        out.push({ Path: r, Kind: 2 });
        continue;
      }
      out.push({ Path: r, Kind: (await inLower(lowers, r)) ? 0 : 1 });
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  // Leave out the engine's files, and directories changed only to hold them.
  const kept = out.filter((ch) => !INIT_PATHS.has(ch.Path));
  return kept.filter((ch) => {
    if (ch.Kind !== 0) return true;
    const below = out.some((o) => o.Path.startsWith(`${ch.Path}/`));
    if (!below) return true;
    return kept.some((o) => o.Path.startsWith(`${ch.Path}/`));
  });
}
