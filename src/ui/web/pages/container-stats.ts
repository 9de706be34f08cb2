// Live CPU, memory, network and block IO charts from the stats stream (uPlot, loaded with the tab).
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { send, jsonLines } from '../api';

interface Stats {
  read: string;
  cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
}

const POINTS = 120;
const CHARTS = [
  { key: 'cpu', title: 'CPU %', series: ['cpu'] },
  { key: 'mem', title: 'Memory (MB)', series: ['used'] },
  { key: 'net', title: 'Network (kB/s)', series: ['rx', 'tx'] },
  { key: 'io', title: 'Block IO (kB/s)', series: ['read', 'write'] },
] as const;

export function StatsTab({ id }: { id: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      const { default: UPlot } = await import('uplot');
      const el = host.current!;
      const width = Math.min(560, el.clientWidth || 560);
      const data = CHARTS.map((c) => [[] as number[], ...c.series.map(() => [] as number[])]);
      const plots = CHARTS.map((c, i) => {
        const div = document.createElement('div');
        div.className = 'chart';
        el.append(div);
        return new UPlot({ title: c.title, width, height: 160, series: [{}, ...c.series.map((s, j) => ({ label: s, stroke: ['#2b7de9', '#e9742b'][j], width: 1.5 }))], axes: [{}, { size: 50 }] }, data[i] as never, div);
      });
      let prev: { t: number; rx: number; tx: number; r: number; w: number } | undefined;
      const r = await send('GET', `/containers/${id}/stats?stream=1`);
      for await (const s of jsonLines<Stats>(r, abort.signal)) {
        const t = Date.parse(s.read) / 1000 || Date.now() / 1000;
        const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
        const sysDelta = s.cpu_stats.system_cpu_usage - (s.precpu_stats.system_cpu_usage ?? 0);
        const cpu = sysDelta > 0 ? (cpuDelta / sysDelta) * (s.cpu_stats.online_cpus ?? 1) * 100 : 0;
        const nets = Object.values(s.networks ?? {});
        const rx = nets.reduce((a, n) => a + n.rx_bytes, 0);
        const tx = nets.reduce((a, n) => a + n.tx_bytes, 0);
        const io = s.blkio_stats?.io_service_bytes_recursive ?? [];
        const rd = io.filter((e) => /read/i.test(e.op)).reduce((a, e) => a + e.value, 0);
        const wr = io.filter((e) => /write/i.test(e.op)).reduce((a, e) => a + e.value, 0);
        const dt = prev ? Math.max(t - prev.t, 1e-3) : 1;
        const rows = [
          [cpu],
          [(s.memory_stats.usage ?? 0) / 1e6],
          prev ? [(rx - prev.rx) / dt / 1000, (tx - prev.tx) / dt / 1000] : [0, 0],
          prev ? [(rd - prev.r) / dt / 1000, (wr - prev.w) / dt / 1000] : [0, 0],
        ];
        prev = { t, rx, tx, r: rd, w: wr };
        data.forEach((d, i) => {
          d[0]!.push(t);
          rows[i]!.forEach((v, j) => d[j + 1]!.push(v));
          for (const col of d) col.splice(0, Math.max(0, col.length - POINTS));
          plots[i]!.setData(d as never);
        });
      }
    })().catch(() => undefined);
    return () => {
      abort.abort();
      host.current?.replaceChildren();
    };
  }, [id]);
  return html`<div class="charts" ref=${host}></div>`;
}
