// Containers: the table (state, image, ports as links, CPU/memory sparklines, uptime), filter and
// search, actions with confirmation, grouped by compose project or pod when there are any. Live:
// reloads on container events; running containers' stats are sampled every few seconds.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, send } from '../api';
import { ago, bytes, shortId } from '../format';
import { attempt, confirmAction, ErrorLine, Sparkline, useLive } from '../widgets';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Status: string;
  Created: number;
  Ports: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
  Labels: Record<string, string>;
}

interface Sample {
  cpu: number[];
  mem: number[];
  last?: { total: number; system: number };
}

const HISTORY = 20;
const SAMPLED = 40;

/** CPU % and memory of running containers, one stats sample per container every 3 s. */
function useStatsSamples(ids: string[]): Map<string, Sample> {
  const [samples] = useState(() => new Map<string, Sample>());
  const [, tick] = useState(0);
  const key = ids.slice(0, SAMPLED).join(',');
  useEffect(() => {
    let stopped = false;
    const round = async (): Promise<void> => {
      await Promise.all(
        ids.slice(0, SAMPLED).map(async (id) => {
          try {
            const s = await get<{ cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus?: number }; memory_stats: { usage?: number } }>(`/containers/${id}/stats?stream=false&one-shot=true`);
            const cur = samples.get(id) ?? { cpu: [], mem: [] };
            const total = s.cpu_stats.cpu_usage.total_usage;
            const system = s.cpu_stats.system_cpu_usage;
            if (cur.last && system > cur.last.system) cur.cpu.push(((total - cur.last.total) / (system - cur.last.system)) * (s.cpu_stats.online_cpus ?? 1) * 100);
            cur.last = { total, system };
            cur.mem.push(s.memory_stats.usage ?? 0);
            cur.cpu.splice(0, Math.max(0, cur.cpu.length - HISTORY));
            cur.mem.splice(0, Math.max(0, cur.mem.length - HISTORY));
            samples.set(id, cur);
          } catch {
            // gone or stopped between list and sample
          }
        }),
      );
      if (!stopped) tick((n) => n + 1);
    };
    void round();
    const timer = setInterval(() => void round(), 3000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [key]);
  return samples;
}

function groupOf(c: ContainerSummary): string {
  const project = c.Labels?.['com.docker.compose.project'];
  if (project) return `compose: ${project}`;
  const pod = c.Labels?.['io.berth.pod'] ?? c.Labels?.['io.kubernetes.pod.name'];
  return pod ? `pod: ${pod}` : '';
}

const ACTIONS: Array<{ verb: string; label: string; when: (s: string) => boolean; path: (id: string) => [string, string] }> = [
  { verb: 'start', label: 'Start', when: (s) => s === 'created' || s === 'exited', path: (id) => ['POST', `/containers/${id}/start`] },
  { verb: 'stop', label: 'Stop', when: (s) => s === 'running', path: (id) => ['POST', `/containers/${id}/stop`] },
  { verb: 'restart', label: 'Restart', when: (s) => s === 'running' || s === 'exited', path: (id) => ['POST', `/containers/${id}/restart`] },
  { verb: 'pause', label: 'Pause', when: (s) => s === 'running', path: (id) => ['POST', `/containers/${id}/pause`] },
  { verb: 'unpause', label: 'Unpause', when: (s) => s === 'paused', path: (id) => ['POST', `/containers/${id}/unpause`] },
  { verb: 'kill', label: 'Kill', when: (s) => s === 'running', path: (id) => ['POST', `/containers/${id}/kill`] },
  { verb: 'remove', label: 'Remove', when: () => true, path: (id) => ['DELETE', `/containers/${id}?force=1`] },
];

function Ports({ c }: { c: ContainerSummary }) {
  const published = c.Ports.filter((p) => p.PublicPort);
  return html`${published.map(
    (p) => html`<a class="port" href=${`http://${location.hostname}:${p.PublicPort}/`} target="_blank" rel="noreferrer">${p.PublicPort}→${p.PrivatePort}/${p.Type}</a> `,
  )}`;
}

function Row({ c, sample, onError }: { c: ContainerSummary; sample?: Sample; onError: (e: string | undefined) => void }) {
  const name = c.Names[0]?.replace(/^\//, '') ?? shortId(c.Id);
  const act = (a: (typeof ACTIONS)[number]) => async () => {
    if (!(await confirmAction(`${a.label} container ${name}?`, a.label))) return;
    const [m, p] = a.path(c.Id);
    await attempt(onError, () => send(m, p));
  };
  return html`<tr data-name=${name} data-state=${c.State}>
    <td><a href=${`#/containers/${c.Id}`}>${name}</a><div class="sub">${shortId(c.Id)}</div></td>
    <td><span class=${`state state-${c.State}`}>${c.State}</span><div class="sub">${c.Status}</div></td>
    <td class="wrap">${c.Image}</td>
    <td><${Ports} c=${c} /></td>
    <td class="stats">${c.State === 'running' && sample
      ? html`<${Sparkline} values=${sample.cpu} max=${100} label="CPU" /> <span class="sub">${(sample.cpu.at(-1) ?? 0).toFixed(1)}%</span>
          <${Sparkline} values=${sample.mem} label="memory" /> <span class="sub">${bytes(sample.mem.at(-1))}</span>`
      : '—'}</td>
    <td>${ago(c.Created)}</td>
    <td class="actions">${ACTIONS.filter((a) => a.when(c.State)).map((a) => html`<button class=${a.verb === 'remove' || a.verb === 'kill' ? 'danger' : ''} onClick=${act(a)}>${a.label}</button>`)}</td>
  </tr>`;
}

export function ContainersPage() {
  const { data, error } = useLive(() => get<ContainerSummary[]>('/containers/json?all=1'), (e) => e.Type === 'container');
  const [query, setQuery] = useState('');
  const [state, setState] = useState('all');
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const q = query.toLowerCase();
  const list = (data ?? []).filter((c) => (state === 'all' || c.State === state) && (!q || `${c.Names.join(' ')} ${c.Image} ${c.Id}`.toLowerCase().includes(q)));
  const samples = useStatsSamples(list.filter((c) => c.State === 'running').map((c) => c.Id));
  // One pass, appending in place: copying each group per row made this quadratic in the list.
  const groups = new Map<string, ContainerSummary[]>();
  for (const c of list) {
    const g = groupOf(c);
    const members = groups.get(g);
    if (members) members.push(c);
    else groups.set(g, [c]);
  }
  return html`<section>
    <header class="bar"><h1>Containers</h1>
      <input type="search" placeholder="Search name, image, id" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} />
      <select value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value)}>
        ${['all', 'running', 'paused', 'exited', 'created'].map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      <span class="count">${list.length} of ${data?.length ?? 0}</span>
    </header>
    <${ErrorLine} error=${error ?? actionError} />
    <div class="scroll"><table class="containers">
      <thead><tr><th>Name</th><th>State</th><th>Image</th><th>Ports</th><th>CPU / memory</th><th>Created</th><th></th></tr></thead>
      ${[...groups].map(([g, cs]) => html`<tbody>
        ${g ? html`<tr class="group"><th colspan="7">${g}</th></tr>` : null}
        ${cs.map((c) => html`<${Row} key=${c.Id} c=${c} sample=${samples.get(c.Id)} onError=${setActionError} />`)}
      </tbody>`)}
    </table></div>
    ${data && !data.length ? html`<p class="empty">No containers yet.</p>` : null}
  </section>`;
}
