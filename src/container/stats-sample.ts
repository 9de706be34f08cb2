// One resource-usage sample of a container in docker's stats JSON (ContainerStatsResponse), read
// from its cgroup v1 files, /proc/stat (system CPU time) and its network namespace's /proc/<pid>/net/dev.
import { readFile } from 'node:fs/promises';
import type { ContainerRecord } from './container-record.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** USER_HZ: /proc/stat and cpuacct.stat count in these ticks. */
const CLOCK_TICKS = 100;
const NS_PER_TICK = 1e9 / CLOCK_TICKS;
/** cgroup v1 reports "no limit" as a huge page-aligned number. */
const UNLIMITED_FLOOR = 2 ** 62;

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface ContainerStats {
  name: string;
  id: string;
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: BlkioEntry[] | null;
    io_serviced_recursive: BlkioEntry[] | null;
    io_queue_recursive: null;
    io_service_time_recursive: null;
    io_wait_time_recursive: null;
    io_merged_recursive: null;
    io_time_recursive: null;
    sectors_recursive: null;
  };
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; max_usage?: number; stats?: Record<string, number>; failcnt?: number; limit?: number };
  networks?: Record<string, NetworkStats>;
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function emptyCpuStats(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

/** What docker sends for a container that is not running: zeros and zero times. */
export function emptyStats(c: ContainerRecord): ContainerStats {
  return {
    name: c.name,
    id: c.id,
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: emptyBlkio(null, null),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: emptyCpuStats(),
    precpu_stats: emptyCpuStats(),
    memory_stats: {},
  };
}

function emptyBlkio(bytes: BlkioEntry[] | null, ops: BlkioEntry[] | null): ContainerStats['blkio_stats'] {
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: ops,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}

/** The cgroup v1 directory of a container for one controller. */
export function cgroupDir(controller: string, cgroupParent: string, id: string): string {
  const parent = cgroupParent.startsWith('/') ? cgroupParent : `/${cgroupParent}`;
  return `${CGROUP_ROOT}/${controller}${parent}/${id}`;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readNumber(path: string): Promise<number | undefined> {
  const t = await readText(path);
  if (t === undefined) return undefined;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat). */
export function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** blkio `MAJ:MIN Op value` lines; the trailing `Total N` is dropped as runc drops it. */
export function parseBlkio(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** Host CPU time in ns (the first line of /proc/stat) and the number of CPUs listed there. */
export function parseProcStat(text: string): { systemNs: number; cpus: number } {
  let systemNs = 0;
  let cpus = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      // user nice system idle iowait irq softirq steal (guest time is already in user)
      const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
      systemNs = f.reduce((a, b) => a + b, 0) * NS_PER_TICK;
    } else if (/^cpu\d+ /.test(line)) cpus++;
  }
  return { systemNs, cpus };
}

/** /proc/<pid>/net/dev of the container's namespace, loopback left out as docker does. */
export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

async function hostMemTotal(): Promise<number | undefined> {
  const t = await readText('/proc/meminfo');
  const m = t ? /^MemTotal:\s+(\d+) kB/m.exec(t) : null;
  return m ? Number(m[1]) * 1024 : undefined;
}

async function readCpu(cgroupParent: string, id: string): Promise<CpuStats> {
  const acct = cgroupDir('cpuacct', cgroupParent, id);
  const [total, percpuText, statText, throttleText, procStat] = await Promise.all([
    readNumber(`${acct}/cpuacct.usage`),
    readText(`${acct}/cpuacct.usage_percpu`),
    readText(`${acct}/cpuacct.stat`),
    readText(`${cgroupDir('cpu', cgroupParent, id)}/cpu.stat`),
    readText('/proc/stat'),
  ]);
  const ticks = parseKeyValues(statText ?? '');
  const throttle = parseKeyValues(throttleText ?? '');
  const host = parseProcStat(procStat ?? '');
  const percpu = (percpuText ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return {
    cpu_usage: {
      total_usage: total ?? 0,
      ...(percpu.length ? { percpu_usage: percpu } : {}),
      usage_in_kernelmode: (ticks.system ?? 0) * NS_PER_TICK,
      usage_in_usermode: (ticks.user ?? 0) * NS_PER_TICK,
    },
    system_cpu_usage: host.systemNs,
    online_cpus: host.cpus,
    throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
  };
}

/** Reads one sample of a running container; `prev` (the previous sample's cpu) fills precpu_stats. */
export async function readContainerStats(c: ContainerRecord, cgroupParent: string, prev?: { read: string; cpu: CpuStats }): Promise<ContainerStats> {
  const mem = cgroupDir('memory', cgroupParent, c.id);
  const pids = cgroupDir('pids', cgroupParent, c.id);
  const blkio = cgroupDir('blkio', cgroupParent, c.id);
  const [cpu, usage, maxUsage, limit, failcnt, memStat, pidsCurrent, pidsMax, bfqBytes, bfqOps, thrBytes, thrOps, netDev, memTotal] = await Promise.all([
    readCpu(cgroupParent, c.id),
    readNumber(`${mem}/memory.usage_in_bytes`),
    readNumber(`${mem}/memory.max_usage_in_bytes`),
    readNumber(`${mem}/memory.limit_in_bytes`),
    readNumber(`${mem}/memory.failcnt`),
    readText(`${mem}/memory.stat`),
    readNumber(`${pids}/pids.current`),
    readText(`${pids}/pids.max`),
    readText(`${blkio}/blkio.bfq.io_service_bytes_recursive`),
    readText(`${blkio}/blkio.bfq.io_serviced_recursive`),
    readText(`${blkio}/blkio.throttle.io_service_bytes_recursive`),
    readText(`${blkio}/blkio.throttle.io_serviced_recursive`),
    c.state.Pid > 0 && c.hostConfig.NetworkMode !== 'host' ? readText(`/proc/${c.state.Pid}/net/dev`) : Promise.resolve(undefined),
    hostMemTotal(),
  ]);
  // Like runc: the BFQ scheduler's counters when it keeps any, else the throttling layer's.
  const bfq = parseBlkio(bfqBytes ?? '');
  const bytes = bfq.length ? bfq : parseBlkio(thrBytes ?? '');
  const ops = bfq.length ? parseBlkio(bfqOps ?? '') : parseBlkio(thrOps ?? '');
  // An unlimited container's limit is the host's memory, as docker shows it.
  let memLimit = limit;
  if (memLimit !== undefined && memTotal !== undefined && (memLimit >= UNLIMITED_FLOOR || memLimit > memTotal)) memLimit = memTotal;
  const pidsLimit = pidsMax && /^\d+$/.test(pidsMax.trim()) ? Number(pidsMax.trim()) : undefined;
  const networks = netDev !== undefined ? parseNetDev(netDev) : undefined;
  return {
    name: c.name,
    id: c.id,
    read: new Date().toISOString(),
    preread: prev?.read ?? ZERO_TIME,
    pids_stats: { ...(pidsCurrent !== undefined ? { current: pidsCurrent } : {}), ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) },
    blkio_stats: emptyBlkio(bytes, ops),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: prev?.cpu ?? emptyCpuStats(),
    memory_stats: {
      ...(usage !== undefined ? { usage } : {}),
      ...(maxUsage !== undefined ? { max_usage: maxUsage } : {}),
      stats: parseKeyValues(memStat ?? ''),
      ...(failcnt !== undefined ? { failcnt } : {}),
      ...(memLimit !== undefined ? { limit: memLimit } : {}),
    },
    ...(networks && Object.keys(networks).length ? { networks } : {}),
  };
}
