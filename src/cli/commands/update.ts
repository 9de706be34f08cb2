// `berth update`: new resource limits or restart policy for containers (docker's flags).
import type { CommandDefinition } from '../command.js';
import { UsageError } from '../command.js';
import { int, parseBytes, parseMemSwap, parseNanoCpus, str, typed } from '../flags/flag-spec.js';
import { parseRestartPolicy } from '../container-options/mount-spec.js';
import { forEachName } from '../actions/each-name.js';

/** Flag name → UpdateConfig field. */
const FIELDS: Record<string, string> = {
  'blkio-weight': 'BlkioWeight',
  'cpu-period': 'CpuPeriod',
  'cpu-quota': 'CpuQuota',
  'cpu-rt-period': 'CpuRealtimePeriod',
  'cpu-rt-runtime': 'CpuRealtimeRuntime',
  'cpu-shares': 'CpuShares',
  cpus: 'NanoCpus',
  'cpuset-cpus': 'CpusetCpus',
  'cpuset-mems': 'CpusetMems',
  memory: 'Memory',
  'memory-reservation': 'MemoryReservation',
  'memory-swap': 'MemorySwap',
  'pids-limit': 'PidsLimit',
};

export const updateCommand: CommandDefinition = {
  name: 'update',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Update configuration of one or more containers',
  flags: [
    int('blkio-weight', undefined, 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)', undefined, 'uint16'),
    int('cpu-period', undefined, 'Limit CPU CFS (Completely Fair Scheduler) period'),
    int('cpu-quota', undefined, 'Limit CPU CFS (Completely Fair Scheduler) quota'),
    int('cpu-rt-period', undefined, 'Limit the CPU real-time period in microseconds'),
    int('cpu-rt-runtime', undefined, 'Limit the CPU real-time runtime in microseconds'),
    int('cpu-shares', 'c', 'CPU shares (relative weight)'),
    typed('cpus', undefined, 'decimal', 'Number of CPUs', parseNanoCpus),
    str('cpuset-cpus', undefined, 'CPUs in which to allow execution (0-3, 0,1)'),
    str('cpuset-mems', undefined, 'MEMs in which to allow execution (0-3, 0,1)'),
    typed('memory', 'm', 'bytes', 'Memory limit', parseBytes),
    typed('memory-reservation', undefined, 'bytes', 'Memory soft limit', parseBytes),
    typed('memory-swap', undefined, 'bytes', "Swap limit equal to memory plus swap: -1 to enable unlimited swap", parseMemSwap),
    int('pids-limit', undefined, 'Tune container pids limit (set -1 for unlimited)'),
    str('restart', undefined, 'Restart policy to apply when a container exits'),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const body: Record<string, unknown> = {};
    for (const [flag, field] of Object.entries(FIELDS)) if (cmd.set.has(flag)) body[field] = cmd.flags[flag];
    if (cmd.set.has('restart')) body.RestartPolicy = parseRestartPolicy(String(cmd.flags.restart));
    if (Object.keys(body).length === 0) throw new UsageError('You must provide one or more flags when using this command.');
    const client = await ctx.client();
    // Like docker: the names as each update succeeds, then every warning, on stdout.
    const warnings: string[] = [];
    const code = await forEachName(ctx, cmd.args, async (n) => {
      const r = await client.json<{ Warnings?: string[] | null }>('POST', `/containers/${encodeURIComponent(n)}/update`, { body });
      warnings.push(...(r?.Warnings ?? []));
    });
    if (warnings.length > 0) ctx.stdout.write(`${warnings.join('\n')}\n`);
    return code;
  },
};
