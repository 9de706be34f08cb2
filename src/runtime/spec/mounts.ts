// The container's mounts as docker makes them: its defaults (/proc, /dev, /dev/pts, /sys,
// /sys/fs/cgroup, /dev/mqueue, /dev/shm), then the lxcfs files, then the caller's mounts, parents
// before children. A caller mount replaces the default at the same place (one at /dev replaces
// every default under /dev).
import { InvalidArgumentError } from '../../errors.js';
import { posix } from 'node:path';
import type { Mount } from './runtime-spec.js';
import type { SpecMount } from './spec-input.js';
import { mergeTmpfsOptions } from './tmpfs-options.js';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface DefaultMountOptions {
  shmSize: number;
  /** 'none' leaves /dev/shm out, 'host' binds the host's. */
  ipcMode: string;
  readonlyRootfs: boolean;
  privileged: boolean;
}

export function defaultMounts(o: DefaultMountOptions): Mount[] {
  const mounts: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  if (o.ipcMode === 'host') {
    mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] });
  } else if (o.ipcMode !== 'none') {
    mounts.push({
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize}`],
    });
  }
  if (o.readonlyRootfs) {
    // Like docker: the rest of the defaults follow the root into read-only; these stay writable.
    const writable = new Set(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue']);
    for (const m of mounts) {
      if (!writable.has(m.destination) && !m.options?.includes('ro')) m.options = [...(m.options ?? []), 'ro'];
    }
  }
  if (o.privileged) {
    for (const m of mounts) {
      if (m.destination === '/sys' || m.type === 'cgroup') m.options = (m.options ?? []).filter((x) => x !== 'ro');
    }
  }
  return mounts;
}

/** A clean absolute container path: normalized, no trailing slash (docker's filepath.Clean). */
export function cleanPath(path: string): string {
  const p = posix.normalize(path);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** One caller mount in OCI form. */
export function specMountToOci(m: SpecMount): Mount {
  if (!posix.isAbsolute(m.destination)) {
    throw new InvalidArgumentError(`invalid mount config: mount path must be absolute: ${m.destination}`);
  }
  const destination = cleanPath(m.destination);
  if (m.type === 'bind') {
    if (m.source === undefined || m.source === '') throw new InvalidArgumentError(`invalid mount config: bind source path required for ${destination}`);
    const options = ['rbind'];
    if (m.readOnly) options.push('ro');
    options.push(m.propagation ?? 'rprivate');
    for (const o of m.options ?? []) if (!options.includes(o)) options.push(o);
    return { destination, type: 'bind', source: m.source, options };
  }
  if (m.type === 'tmpfs') {
    // A tmpfs at /dev holds the device nodes runc makes, so it cannot be nodev.
    const defaults = destination === '/dev' ? ['noexec', 'nosuid', 'rprivate'] : ['noexec', 'nosuid', 'nodev', 'rprivate'];
    const options = mergeTmpfsOptions([...defaults, ...(m.readOnly ? ['ro'] : []), ...(m.options ?? [])]);
    return { destination, type: 'tmpfs', source: m.source || 'tmpfs', options };
  }
  return { destination, type: m.type, source: m.source ?? m.type, options: [...(m.options ?? []), ...(m.readOnly ? ['ro'] : [])] };
}

/** HostConfig.Tmpfs (`{"/run": "size=64m,exec"}`) as caller mounts. */
export function tmpfsMounts(tmpfs: Record<string, string> | null | undefined): SpecMount[] {
  return Object.entries(tmpfs ?? {}).map(([destination, data]) => ({
    type: 'tmpfs',
    destination,
    options: data.split(',').map((s) => s.trim()).filter((s) => s !== ''),
  }));
}

function depth(path: string): number {
  return path.split('/').filter((c) => c !== '').length;
}

/** Defaults not replaced by a caller mount, then the extra mounts, then the caller's, parents first. */
export function assembleMounts(defaults: Mount[], extra: Mount[], callers: Mount[]): Mount[] {
  const taken = new Set(callers.map((m) => m.destination));
  const replacesDev = taken.has('/dev');
  const kept = defaults.filter((m) => !taken.has(m.destination) && !(replacesDev && m.destination.startsWith('/dev/')));
  const keptExtra = extra.filter((m) => !taken.has(m.destination));
  // Stable sort: equal depths keep the caller's order.
  const sorted = callers.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map((x) => x.m);
  return [...kept, ...keptExtra, ...sorted];
}

/** The rootfs propagation that the caller's shared or slave binds need, if any. */
export function rootfsPropagationFor(callers: readonly SpecMount[]): string | undefined {
  let result: string | undefined;
  for (const m of callers) {
    if (m.type !== 'bind') continue;
    if (m.propagation === 'shared' || m.propagation === 'rshared') return 'rshared';
    if (m.propagation === 'slave' || m.propagation === 'rslave') result = 'rslave';
  }
  return result;
}
