// HostConfig's resource settings → linux.resources (memory, cpu, pids, blkio), checked with
// docker's rules and messages. A knob the host's cgroups lack is dropped with docker's warning.
import { InvalidArgumentError, errorMessage } from '../../errors.js';
import type { LinuxBlockIO, LinuxResources, LinuxThrottleDevice } from './runtime-spec.js';
import type { SpecHostConfig, ThrottleDevice } from './spec-input.js';
import { hostDevice } from './devices.js';
import { parseCpuList, type HostInfo } from './host-info.js';

const MIN_MEMORY = 6 * 1024 * 1024;

export interface ResolvedResources {
  resources: LinuxResources;
  warnings: string[];
  /** HostConfig fields to reset because the host cannot honour them, as docker resets them at create. */
  reset: Partial<Record<keyof SpecHostConfig, unknown>>;
}

export async function resolveResources(h: SpecHostConfig, host: HostInfo): Promise<ResolvedResources> {
  const warnings: string[] = [];
  const reset: ResolvedResources['reset'] = {};
  const resources: LinuxResources = {};
  const bad = (msg: string): never => {
    throw new InvalidArgumentError(msg);
  };

  // Memory.
  const memory = h.Memory ?? 0;
  let swap = h.MemorySwap ?? 0;
  const reservation = h.MemoryReservation ?? 0;
  if (memory < 0) bad('invalid memory limit');
  if (memory > 0 && memory < MIN_MEMORY) bad('Minimum memory limit allowed is 6MB');
  if (memory === 0 && swap > 0) bad('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (memory > 0 && swap > 0 && swap < memory) bad('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (reservation > 0 && reservation < MIN_MEMORY) bad('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    bad('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  const swappiness = h.MemorySwappiness;
  if (swappiness != null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    bad(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  if (memory > 0 && swap === 0) swap = memory * 2; // docker's default: as much swap as memory
  const mem: NonNullable<LinuxResources['memory']> = {};
  if (memory > 0) mem.limit = memory;
  if (reservation > 0) mem.reservation = reservation;
  if (memory > 0 && swap !== 0) {
    if (host.cgroup.swapLimit) mem.swap = swap;
    else {
      warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
      reset.MemorySwap = -1;
    }
  }
  if (swappiness != null && swappiness !== -1) mem.swappiness = swappiness;
  if (h.KernelMemory) warnings.push('Specifying a kernel memory limit is deprecated and will be removed in a future release.');
  if (h.KernelMemoryTCP) warnings.push('Specifying a kernel TCP memory limit is not supported by runc and was ignored.');
  if (h.OomKillDisable) {
    mem.disableOOMKiller = true;
    if (memory === 0) {
      warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
    }
  }
  if (Object.keys(mem).length > 0) resources.memory = mem;

  // CPU.
  const ncpu = host.cpus.length;
  const nano = h.NanoCpus ?? 0;
  if (nano !== 0) {
    if (h.CpuPeriod) bad('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    if (h.CpuQuota) bad('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    if (nano < 0 || nano > ncpu * 1e9) bad(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  if (h.CpuPeriod && (h.CpuPeriod < 1000 || h.CpuPeriod > 1000000)) {
    bad('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (h.CpuQuota && h.CpuQuota > 0 && h.CpuQuota < 1000) bad('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const cpu: NonNullable<LinuxResources['cpu']> = {};
  if (h.CpuShares) {
    if (h.CpuShares < 0) bad(`invalid CPU shares: ${h.CpuShares}`);
    cpu.shares = h.CpuShares;
  }
  if (nano > 0) {
    cpu.period = 100000;
    cpu.quota = Math.round((nano * 100000) / 1e9);
  } else {
    if (h.CpuPeriod) cpu.period = h.CpuPeriod;
    if (h.CpuQuota) cpu.quota = h.CpuQuota;
  }
  if ((cpu.period !== undefined || cpu.quota !== undefined) && !host.cgroup.cpuCfs) {
    warnings.push('Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.');
    reset.CpuPeriod = 0;
    reset.CpuQuota = 0;
    delete cpu.period;
    delete cpu.quota;
  }
  if (h.CpuRealtimePeriod || h.CpuRealtimeRuntime) {
    if (!host.cgroup.cpuRealtime) bad('Your kernel does not support CPU real-time scheduler');
    if (h.CpuRealtimePeriod && h.CpuRealtimeRuntime && h.CpuRealtimeRuntime > h.CpuRealtimePeriod) {
      bad('cpu-rt-runtime cannot be higher than cpu-rt-period');
    }
    if (h.CpuRealtimePeriod) cpu.realtimePeriod = h.CpuRealtimePeriod;
    if (h.CpuRealtimeRuntime) cpu.realtimeRuntime = h.CpuRealtimeRuntime;
  }
  if (h.CpusetCpus) {
    const wanted = parseCpuList(h.CpusetCpus);
    if (wanted === undefined) bad(`Invalid value ${h.CpusetCpus} for cpuset cpus`);
    if (wanted!.some((c) => !host.cpus.includes(c))) {
      bad(`Requested CPUs are not available - requested ${h.CpusetCpus}, available: ${formatList(host.cpus)}`);
    }
    cpu.cpus = h.CpusetCpus;
  }
  if (h.CpusetMems) {
    const wanted = parseCpuList(h.CpusetMems);
    if (wanted === undefined) bad(`Invalid value ${h.CpusetMems} for cpuset mems`);
    if (wanted!.some((c) => !host.mems.includes(c))) {
      bad(`Requested memory nodes are not available - requested ${h.CpusetMems}, available: ${formatList(host.mems)}`);
    }
    cpu.mems = h.CpusetMems;
  }
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;

  // PIDs: 0 and -1 mean unlimited.
  if (h.PidsLimit != null && h.PidsLimit > 0) {
    if (host.cgroup.pids) resources.pids = { limit: h.PidsLimit };
    else {
      warnings.push('Your kernel does not support pids limit capabilities or the cgroup is not mounted. PIDs limit discarded.');
      reset.PidsLimit = null;
    }
  }

  // Block I/O.
  const blockIO: LinuxBlockIO = {};
  if (h.BlkioWeight) {
    if (h.BlkioWeight < 10 || h.BlkioWeight > 1000) bad('Range of blkio weight is from 10 to 1000');
    if (host.cgroup.blkioWeight) blockIO.weight = h.BlkioWeight;
    else {
      warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
      reset.BlkioWeight = 0;
    }
  }
  if (h.BlkioWeightDevice && h.BlkioWeightDevice.length > 0) {
    if (host.cgroup.blkioWeightDevice) {
      blockIO.weightDevice = [];
      for (const d of h.BlkioWeightDevice) {
        if (d.Weight < 10 || d.Weight > 1000) bad(`invalid weight for device: ${d.Path}: ${d.Weight}`);
        blockIO.weightDevice.push({ ...(await deviceNumbers(d.Path)), weight: d.Weight });
      }
    } else {
      warnings.push('Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.');
      reset.BlkioWeightDevice = [];
    }
  }
  const throttles: Array<[keyof LinuxBlockIO, ThrottleDevice[] | null | undefined, keyof SpecHostConfig]> = [
    ['throttleReadBpsDevice', h.BlkioDeviceReadBps, 'BlkioDeviceReadBps'],
    ['throttleWriteBpsDevice', h.BlkioDeviceWriteBps, 'BlkioDeviceWriteBps'],
    ['throttleReadIOPSDevice', h.BlkioDeviceReadIOps, 'BlkioDeviceReadIOps'],
    ['throttleWriteIOPSDevice', h.BlkioDeviceWriteIOps, 'BlkioDeviceWriteIOps'],
  ];
  for (const [key, list, field] of throttles) {
    if (!list || list.length === 0) continue;
    if (!host.cgroup.blkioThrottle) {
      warnings.push('Your kernel does not support Block I/O throttling or the cgroup is not mounted. Throttling discarded.');
      reset[field] = [];
      continue;
    }
    const out: LinuxThrottleDevice[] = [];
    for (const d of list) {
      if (d.Rate < 0) bad(`invalid rate for device: ${d.Path}: ${d.Rate}`);
      out.push({ ...(await deviceNumbers(d.Path)), rate: d.Rate });
    }
    (blockIO as Record<string, unknown>)[key] = out;
  }
  if (Object.keys(blockIO).length > 0) resources.blockIO = blockIO;
  return { resources, warnings, reset };
}

async function deviceNumbers(path: string): Promise<{ major: number; minor: number }> {
  let dev;
  try {
    dev = await hostDevice(path, true);
  } catch (err) {
    throw new InvalidArgumentError(`failed to stat device ${path}: ${errorMessage(err)}`);
  }
  if (dev === undefined || dev.type !== 'b') throw new InvalidArgumentError(`${path} is not a block device`);
  return { major: dev.major as number, minor: dev.minor as number };
}

function formatList(list: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === (list[j] as number) + 1) j++;
    parts.push(i === j ? `${list[i]}` : `${list[i]}-${list[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
