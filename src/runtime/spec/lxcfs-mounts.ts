// With lxcfs, the container's /proc files that report memory, CPUs, load and uptime come from
// lxcfs, which answers from the container's cgroups, so `free` and `top` tell the truth inside.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from './runtime-spec.js';

export const LXCFS_FILES = [
  '/proc/meminfo', '/proc/cpuinfo', '/proc/stat', '/proc/uptime', '/proc/swaps', '/proc/diskstats',
  '/proc/loadavg', '/sys/devices/system/cpu/online',
];

/** Binds for the lxcfs files that exist under its mount point. */
export function lxcfsMounts(mountPoint: string): Mount[] {
  return LXCFS_FILES.filter((f) => existsSync(join(mountPoint, f))).map((f) => ({
    destination: f,
    type: 'bind',
    source: join(mountPoint, f),
    options: ['bind', 'rprivate'],
  }));
}
