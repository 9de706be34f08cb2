// Facts about the host that decide what a container may be given: the capability bounding set,
// the hard resource limits (a process without CAP_SYS_RESOURCE cannot raise them), the CPUs, the
// kernel, and which cgroup knobs exist. Read once; tests pass their own.
import { existsSync, readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { readHostBoundingSet } from '../capabilities.js';
import { goArch } from '../seccomp/profile-to-oci.js';

/** RLIM_INFINITY on 64-bit Linux. */
export const RLIM_INFINITY = 2n ** 64n - 1n;

export interface CgroupFeatures {
  memory: boolean;
  swapLimit: boolean;
  cpuShares: boolean;
  cpuCfs: boolean;
  cpuRealtime: boolean;
  cpuset: boolean;
  pids: boolean;
  blkioWeight: boolean;
  blkioWeightDevice: boolean;
  blkioThrottle: boolean;
}

export interface HostInfo {
  capBounding: bigint;
  /** Hard limits by RLIMIT_ name; RLIM_INFINITY for unlimited. */
  rlimitHard: Record<string, bigint>;
  /** Only the unified (v2) hierarchy is mounted. */
  cgroupV2: boolean;
  cgroup: CgroupFeatures;
  /** Online CPU numbers and memory nodes. */
  cpus: number[];
  mems: number[];
  kernel: string;
  /** Go architecture name (amd64, arm64 …). */
  arch: string;
  hostname: string;
}

const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Parses /proc/<pid>/limits into hard limits by RLIMIT_ name. */
export function parseProcLimits(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m === null) continue;
    const name = LIMIT_NAMES[m[1] as string];
    if (name === undefined) continue;
    out[name] = m[3] === 'unlimited' ? RLIM_INFINITY : BigInt(m[3] as string);
  }
  return out;
}

/** Parses a kernel CPU/node list like `0-3,8,10-11`; undefined when malformed. */
export function parseCpuList(list: string): number[] | undefined {
  const out = new Set<number>();
  const text = list.trim();
  if (text === '') return [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

function readList(path: string, fallback: number[]): number[] {
  try {
    return parseCpuList(readFileSync(path, 'utf8')) ?? fallback;
  } catch {
    return fallback;
  }
}

function probeCgroups(root = '/sys/fs/cgroup'): { v2: boolean; features: CgroupFeatures } {
  const v2 = existsSync(`${root}/cgroup.controllers`);
  if (v2) {
    let controllers = '';
    try {
      controllers = readFileSync(`${root}/cgroup.subtree_control`, 'utf8') + ' ' + readFileSync(`${root}/cgroup.controllers`, 'utf8');
    } catch {
      // Unreadable: assume nothing.
    }
    const has = (c: string): boolean => controllers.split(/\s+/).includes(c);
    return {
      v2,
      features: {
        memory: has('memory'), swapLimit: has('memory'), cpuShares: has('cpu'), cpuCfs: has('cpu'),
        cpuRealtime: false, cpuset: has('cpuset'), pids: has('pids'), blkioWeight: has('io'),
        blkioWeightDevice: has('io'), blkioThrottle: has('io'),
      },
    };
  }
  const f = (p: string): boolean => existsSync(`${root}/${p}`);
  return {
    v2,
    features: {
      memory: f('memory/memory.limit_in_bytes'),
      swapLimit: f('memory/memory.memsw.limit_in_bytes'),
      cpuShares: f('cpu/cpu.shares'),
      cpuCfs: f('cpu/cpu.cfs_quota_us'),
      cpuRealtime: f('cpu/cpu.rt_runtime_us'),
      cpuset: f('cpuset/cpuset.cpus'),
      pids: f('pids'),
      blkioWeight: f('blkio/blkio.weight') || f('blkio/blkio.bfq.weight'),
      blkioWeightDevice: f('blkio/blkio.weight_device') || f('blkio/blkio.bfq.weight_device'),
      blkioThrottle: f('blkio/blkio.throttle.read_bps_device'),
    },
  };
}

let cached: HostInfo | undefined;

/** The host's facts, probed on first use. */
export function probeHost(): HostInfo {
  if (cached !== undefined) return cached;
  const cg = probeCgroups();
  cached = {
    capBounding: readHostBoundingSet(),
    rlimitHard: parseProcLimits(readFileSync('/proc/self/limits', 'utf8')),
    cgroupV2: cg.v2,
    cgroup: cg.features,
    cpus: readList('/sys/devices/system/cpu/online', [0]),
    mems: readList('/sys/devices/system/node/online', [0]),
    kernel: release(),
    arch: goArch(),
    hostname: hostname(),
  };
  return cached;
}
