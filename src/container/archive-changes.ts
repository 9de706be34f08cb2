// `docker diff` from the Differ's changes of a container's snapshot: docker's kinds (0 modified,
// 1 added, 2 deleted), and the files runtime setup makes (docker keeps them in a separate init
// layer) left out.
import type { Change } from '../snapshot/differ.js';

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

const KIND = { modify: 0, add: 1, delete: 2 } as const;

export function containerChanges(changes: Change[]): ContainerChange[] {
  const out: ContainerChange[] = changes.map((c) => ({ Path: c.path, Kind: KIND[c.kind] }));
  // Leave out the engine's files, and directories changed only to hold them.
  const kept = out.filter((ch) => !INIT_PATHS.has(ch.Path));
  return kept.filter((ch) => {
    if (ch.Kind !== 0) return true;
    const below = out.some((o) => o.Path.startsWith(`${ch.Path}/`));
    if (!below) return true;
    return kept.some((o) => o.Path.startsWith(`${ch.Path}/`));
  });
}
