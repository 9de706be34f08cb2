// `berth stats`: live resource usage per container, docker's table and figures (CPU % from the
// delta to the previous sample, memory without the inactive page cache, network and block I/O).
import type { IncomingMessage } from 'node:http';
import { listContainers } from '../../client/containers.js';
import type { ApiClient } from '../../client/api-client.js';
import { readBody } from '../../client/api-client.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { bytesSize, humanSize } from '../format/units.js';
import { errorText } from '../actions/each-name.js';
import { FORMAT_HELP } from './ps.js';

const DEFAULT_STATS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS = new HeaderContext({
  ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
});

/** The part of docker's stats JSON the table uses. */
export interface StatsJson {
  id?: string;
  name?: string;
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}

export interface StatsRow {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

/** docker's figures for one sample. */
export function statsRow(container: string, s: StatsJson, noTrunc = false): StatsRow {
  const id = s.id ?? '';
  const running = s.read !== undefined && !s.read.startsWith('0001-');
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const online = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
  const cpu = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * online * 100 : 0;
  const m = s.memory_stats ?? {};
  const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file;
  const usage = inactive !== undefined && inactive < (m.usage ?? 0) ? (m.usage ?? 0) - inactive : (m.usage ?? 0);
  const limit = m.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') read += e.value;
    else if (op === 'write') write += e.value;
  }
  if (!running) {
    return { Container: container, ID: noTrunc ? id : id.slice(0, 12), Name: '--', CPUPerc: '0.00%', MemUsage: '0B / 0B', MemPerc: '0.00%', NetIO: '0B / 0B', BlockIO: '0B / 0B', PIDs: '0' };
  }
  return {
    Container: container,
    ID: noTrunc ? id : id.slice(0, 12),
    Name: (s.name ?? '').replace(/^\//, '') || '--',
    CPUPerc: `${cpu.toFixed(2)}%`,
    MemUsage: `${bytesSize(usage)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (usage / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(rx, 3)} / ${humanSize(tx, 3)}`,
    BlockIO: `${humanSize(read, 3)} / ${humanSize(write, 3)}`,
    PIDs: String(s.pids_stats?.current ?? 0),
  };
}

async function oneSample(client: ApiClient, name: string): Promise<StatsJson> {
  const res = await client.send('GET', `/containers/${encodeURIComponent(name)}/stats`, { query: { stream: 'false' } });
  return JSON.parse((await readBody(res)).toString('utf8')) as StatsJson;
}

/** Follows a stream of samples, calling `onSample` for each JSON line. */
async function follow(client: ApiClient, name: string, onSample: (s: StatsJson) => void, signal: AbortSignal): Promise<void> {
  const res: IncomingMessage = await client.send('GET', `/containers/${encodeURIComponent(name)}/stats`, { query: { stream: 'true' }, signal });
  let buf = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    buf += chunk as string;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onSample(JSON.parse(line) as StatsJson);
    }
  }
}

export const statsCommand: CommandDefinition = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    bool('all', 'a', 'Show all containers (default shows just running)'),
    str('format', undefined, FORMAT_HELP),
    bool('no-stream', undefined, 'Disable streaming stats and only pull the first result'),
    bool('no-trunc', undefined, "Don't truncate output"),
  ],
  async run(ctx, cmd) {
    const f = cmd.flags;
    const format = resolveFormat(f.format as string | undefined, DEFAULT_STATS_TABLE);
    compileFormat(format.template);
    const client = await ctx.client();
    const noTrunc = Boolean(f['no-trunc']);
    let names = cmd.args;
    if (names.length === 0) names = (await listContainers(client, { all: Boolean(f.all) })).map((c) => c.Id);
    if (f['no-stream']) {
      const results = await Promise.allSettled(names.map((n) => oneSample(client, n)));
      const rows: StatsRow[] = [];
      const errors: string[] = [];
      results.forEach((r, i) => (r.status === 'fulfilled' ? rows.push(statsRow(names[i]!, r.value, noTrunc)) : errors.push(errorText(r.reason))));
      if (errors.length) {
        ctx.stderr.write(errors.join('\n') + '\n');
        return 1;
      }
      ctx.stdout.write(renderList(format, rows, HEADERS));
      return 0;
    }
    const latest = new Map<string, StatsRow>();
    const abort = new AbortController();
    const errors: string[] = [];
    const streams = names.map((n) =>
      follow(client, n, (s) => latest.set(n, statsRow(n, s, noTrunc)), abort.signal).catch((err) => {
        if (!abort.signal.aborted) errors.push(errorText(err));
      }),
    );
    const draw = (): void => {
      const rows = names.map((n) => latest.get(n)).filter((r): r is StatsRow => r !== undefined);
      const clear = ctx.stdout.isTTY ? '\x1b[2J\x1b[H' : '';
      ctx.stdout.write(clear + renderList(format, rows, HEADERS));
    };
    const timer = setInterval(draw, 1000);
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    try {
      await Promise.all(streams);
    } finally {
      clearInterval(timer);
      process.off('SIGINT', stop);
    }
    if (errors.length) {
      ctx.stderr.write(errors.join('\n') + '\n');
      return 1;
    }
    return 0;
  },
};
