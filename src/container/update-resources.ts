// `POST /containers/{id}/update`: new resource limits and restart policy. A running container gets
// them at once through the runtime's update; every change is kept in HostConfig for the next start.
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { LinuxResources } from '../runtime/spec/runtime-spec.js';
import { probeHost, type HostInfo } from '../runtime/spec/host-info.js';
import { resolveResources } from '../runtime/spec/resources.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { ApiHostConfig, ContainerStore } from './container-record.js';
import { type RestartPolicy, validateRestartPolicy } from './restart-policy.js';

const MIN_MEMORY = 6 * 1024 * 1024;

/** The fields of docker's UpdateConfig that berth applies. */
export interface UpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  CpuShares?: number;
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  RestartPolicy?: RestartPolicy;
  [key: string]: unknown;
}

/** Works out the HostConfig changes and the runtime's resources for an update, with docker's checks. */
export function planUpdate(h: ApiHostConfig, u: UpdateRequest): { changes: Partial<ApiHostConfig>; resources: LinuxResources } {
  const bad = (msg: string): never => {
    throw new InvalidArgumentError(msg);
  };
  const num = (k: string): number => (typeof h[k] === 'number' ? (h[k] as number) : 0);
  const changes: Record<string, unknown> = {};
  const resources: LinuxResources = {};
  const memory: NonNullable<LinuxResources['memory']> = {};
  const cpu: NonNullable<LinuxResources['cpu']> = {};

  if (u.Memory) {
    if (u.Memory < MIN_MEMORY) bad('Minimum memory limit allowed is 6MB');
    // docker records twice the memory as the swap limit when only --memory was given.
    const swapNow = num('MemorySwap') || (num('Memory') > 0 ? 2 * num('Memory') : 0);
    if (!u.MemorySwap && swapNow > 0 && u.Memory > swapNow) {
      throw new ConflictError('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    changes.Memory = u.Memory;
    memory.limit = u.Memory;
  }
  if (u.MemorySwap) {
    const mem = u.Memory || num('Memory');
    if (mem === 0) bad('You should always set the Memory limit when using Memoryswap limit, see usage');
    if (u.MemorySwap > 0 && u.MemorySwap < mem) bad('Minimum memoryswap limit should be larger than memory limit, see usage');
    changes.MemorySwap = u.MemorySwap;
    memory.swap = u.MemorySwap;
  }
  if (u.MemoryReservation) {
    if (u.MemoryReservation < MIN_MEMORY) bad('Minimum memory reservation allowed is 6MB');
    const mem = u.Memory || num('Memory');
    if (mem > 0 && mem < u.MemoryReservation) bad('Minimum memory limit can not be less than memory reservation limit, see usage');
    changes.MemoryReservation = u.MemoryReservation;
    memory.reservation = u.MemoryReservation;
  }
  if (u.CpuShares) {
    if (u.CpuShares < 0) bad(`invalid CPU shares: ${u.CpuShares}`);
    changes.CpuShares = u.CpuShares;
    cpu.shares = u.CpuShares;
  }
  if (u.NanoCpus) {
    if (u.CpuQuota || u.CpuPeriod) bad('Conflicting options: Nano CPUs and CPU Quota/Period cannot both be set');
    if (u.NanoCpus < 0) bad('Range of CPUs is from 0.01 to the number of CPUs available');
    if (num('CpuQuota') || num('CpuPeriod')) bad('Conflicting options: CPU Quota or CPU Period cannot be updated with NanoCPUs');
    changes.NanoCpus = u.NanoCpus;
    cpu.period = 100000;
    cpu.quota = Math.round((u.NanoCpus * 100000) / 1e9);
  }
  if (u.CpuPeriod || u.CpuQuota) {
    if (num('NanoCpus')) bad('Conflicting options: CPU Quota or CPU Period cannot be updated with NanoCPUs');
    if (u.CpuPeriod && (u.CpuPeriod < 1000 || u.CpuPeriod > 1000000)) bad('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
    if (u.CpuQuota && u.CpuQuota > 0 && u.CpuQuota < 1000) bad('CPU cfs quota can not be less than 1ms (i.e. 1000)');
    if (u.CpuPeriod) {
      changes.CpuPeriod = u.CpuPeriod;
      cpu.period = u.CpuPeriod;
    }
    if (u.CpuQuota) {
      changes.CpuQuota = u.CpuQuota;
      cpu.quota = u.CpuQuota;
    }
  }
  if (u.CpuRealtimePeriod) {
    changes.CpuRealtimePeriod = u.CpuRealtimePeriod;
    cpu.realtimePeriod = u.CpuRealtimePeriod;
  }
  if (u.CpuRealtimeRuntime) {
    changes.CpuRealtimeRuntime = u.CpuRealtimeRuntime;
    cpu.realtimeRuntime = u.CpuRealtimeRuntime;
  }
  if (u.CpusetCpus) {
    changes.CpusetCpus = u.CpusetCpus;
    cpu.cpus = u.CpusetCpus;
  }
  if (u.CpusetMems) {
    changes.CpusetMems = u.CpusetMems;
    cpu.mems = u.CpusetMems;
  }
  if (u.PidsLimit !== undefined && u.PidsLimit !== null) {
    // As docker: 0 and any negative value mean unlimited, recorded as 0 (the CLI sends nothing
    // when --pids-limit is not given).
    changes.PidsLimit = u.PidsLimit > 0 ? u.PidsLimit : 0;
    resources.pids = { limit: u.PidsLimit > 0 ? u.PidsLimit : -1 };
  }
  if (u.BlkioWeight) {
    if (u.BlkioWeight < 10 || u.BlkioWeight > 1000) bad('Range of blkio weight is from 10 to 1000');
    changes.BlkioWeight = u.BlkioWeight;
    resources.blockIO = { weight: u.BlkioWeight };
  }
  if (u.RestartPolicy && (u.RestartPolicy.Name ?? '') !== '') {
    const err = validateRestartPolicy(u.RestartPolicy);
    if (err) bad(err);
    if (h.AutoRemove && u.RestartPolicy.Name !== 'no') bad('Restart policy cannot be updated because AutoRemove is enabled for the container');
    changes.RestartPolicy = { Name: u.RestartPolicy.Name, MaximumRetryCount: u.RestartPolicy.MaximumRetryCount ?? 0 };
  }
  if (Object.keys(memory).length) resources.memory = memory;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  return { changes: changes as Partial<ApiHostConfig>, resources };
}

/** Applies an update to a container: the runtime first (it may refuse), then the record. */
export async function updateContainer(store: ContainerStore, runtime: OciRuntime, idOrName: string, u: UpdateRequest, host: HostInfo = probeHost()): Promise<{ Warnings: string[] }> {
  const c = store.resolve(idOrName);
  if (c.state.Status === 'removing' || c.state.Status === 'dead') throw new ConflictError(`Cannot update container ${c.id}: container is marked for removal`);
  const { changes, resources } = planUpdate(c.hostConfig, u);
  // The host checks of create for what the update sets: CPUs and memory nodes that exist, and a
  // blkio weight only where the host's cgroups take one (else dropped with docker's warning).
  const { warnings, reset } = await resolveResources(
    { CpusetCpus: changes.CpusetCpus as string | undefined, CpusetMems: changes.CpusetMems as string | undefined, BlkioWeight: changes.BlkioWeight as number | undefined },
    host,
  );
  if ('BlkioWeight' in reset) {
    delete changes.BlkioWeight;
    delete resources.blockIO;
  }
  const running = c.state.Status === 'running' || c.state.Status === 'paused';
  if (running && Object.keys(resources).length > 0) {
    try {
      await runtime.update(c.id, resources);
    } catch (err) {
      throw new InvalidArgumentError(`Cannot update container ${c.id}: ${(err as Error).message}`);
    }
  }
  const cur = store.get(c.id);
  if (cur) {
    cur.hostConfig = { ...cur.hostConfig, ...changes };
    store.update(cur);
  }
  return { Warnings: warnings };
}
