// One container: a readable inspect view, live logs, charts, the exec terminal, processes, the
// file browser and the filesystem diff, as tabs.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get } from '../api';
import { ErrorLine, useLive } from '../widgets';
import { LogsTab } from './container-logs';
import { StatsTab } from './container-stats';
import { TerminalTab } from './container-terminal';
import { FilesTab } from './container-files';

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  State: { Status: string; Pid: number; ExitCode: number; StartedAt: string; FinishedAt: string; Health?: { Status: string } };
  Config: { Image: string; Tty: boolean; Env?: string[]; Cmd?: string[]; Entrypoint?: string[]; WorkingDir?: string; User?: string; Labels?: Record<string, string> };
  HostConfig: { RestartPolicy?: { Name: string }; Memory?: number; NanoCpus?: number; NetworkMode?: string };
  Mounts: Array<{ Type: string; Source: string; Destination: string; RW: boolean; Name?: string }>;
  NetworkSettings: { Networks?: Record<string, { IPAddress: string; MacAddress: string }>; Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> };
}

const TABS = ['overview', 'logs', 'stats', 'terminal', 'top', 'files', 'diff'] as const;
type Tab = (typeof TABS)[number];

function Facts({ rows }: { rows: Array<[string, unknown]> }) {
  return html`<dl class="facts">${rows.filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)).map(
    ([k, v]) => html`<dt>${k}</dt><dd>${Array.isArray(v) ? v.map((x) => html`<div>${String(x)}</div>`) : String(v)}</dd>`,
  )}</dl>`;
}

function Overview({ c }: { c: ContainerInspect }) {
  const nets = Object.entries(c.NetworkSettings.Networks ?? {});
  const ports = Object.entries(c.NetworkSettings.Ports ?? {}).flatMap(([p, bs]) => (bs ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort} → ${p}`));
  return html`<div class="grid">
    <div class="card"><h2>State</h2><${Facts} rows=${[
      ['Status', c.State.Status], ['Health', c.State.Health?.Status], ['PID', c.State.Pid || undefined], ['Exit code', c.State.Status === 'exited' ? c.State.ExitCode : undefined],
      ['Started', c.State.StartedAt], ['Finished', c.State.Status === 'exited' ? c.State.FinishedAt : undefined], ['Created', c.Created],
    ]} /></div>
    <div class="card"><h2>Config</h2><${Facts} rows=${[
      ['Image', c.Config.Image], ['Command', [c.Path, ...c.Args].join(' ')], ['Working dir', c.Config.WorkingDir], ['User', c.Config.User], ['TTY', c.Config.Tty ? 'yes' : 'no'],
      ['Restart', c.HostConfig.RestartPolicy?.Name], ['Environment', c.Config.Env ?? []],
    ]} /></div>
    <div class="card"><h2>Network</h2><${Facts} rows=${[['Mode', c.HostConfig.NetworkMode], ...nets.map(([n, e]): [string, unknown] => [n, `${e.IPAddress} ${e.MacAddress}`]), ['Ports', ports]]} /></div>
    <div class="card"><h2>Mounts</h2><${Facts} rows=${c.Mounts.map((m): [string, unknown] => [m.Destination, `${m.Type} ${m.Name ?? m.Source}${m.RW ? '' : ' (ro)'}`])} /></div>
    <div class="card"><h2>Labels</h2><${Facts} rows=${Object.entries(c.Config.Labels ?? {})} /></div>
    <details class="card wide"><summary>Raw JSON</summary><pre>${JSON.stringify(c, null, 2)}</pre></details>
  </div>`;
}

function TopTab({ id }: { id: string }) {
  const { data, error } = useLive(() => get<{ Titles: string[]; Processes: string[][] }>(`/containers/${id}/top`), (e) => e.Actor.ID === id);
  return html`<${ErrorLine} error=${error} />${data
    ? html`<div class="scroll"><table><thead><tr>${data.Titles.map((t) => html`<th>${t}</th>`)}</tr></thead>
        <tbody>${data.Processes.map((p) => html`<tr>${p.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table></div>`
    : null}`;
}

function DiffTab({ id }: { id: string }) {
  const { data, error } = useLive(() => get<Array<{ Path: string; Kind: number }> | null>(`/containers/${id}/changes`), () => false);
  return html`<${ErrorLine} error=${error} /><ul class="diff">${(data ?? []).map((ch) => html`<li class=${`kind-${ch.Kind}`}><code>${'CAD'[ch.Kind]} ${ch.Path}</code></li>`)}</ul>
    ${data && !data.length ? html`<p class="empty">No changes.</p>` : null}`;
}

export function ContainerDetailPage({ id }: { id: string }) {
  const [tab, setTab] = useState<Tab>('overview');
  const { data: c, error } = useLive(() => get<ContainerInspect>(`/containers/${id}/json`), (e) => e.Type === 'container' && e.Actor.ID === id, [id]);
  const running = c?.State.Status === 'running';
  return html`<section>
    <header class="bar"><h1><a href="#/containers">Containers</a> / ${c?.Name.replace(/^\//, '') ?? id.slice(0, 12)}</h1>
      ${c ? html`<span class=${`state state-${c.State.Status}`}>${c.State.Status}</span>` : null}</header>
    <${ErrorLine} error=${error} />
    <nav class="tabs" role="tablist">${TABS.map((t) => html`<button role="tab" aria-selected=${t === tab} class=${t === tab ? 'on' : ''} onClick=${() => setTab(t)}>${t}</button>`)}</nav>
    ${c && tab === 'overview' ? html`<${Overview} c=${c} />` : null}
    ${c && tab === 'logs' ? html`<${LogsTab} id=${id} tty=${c.Config.Tty} />` : null}
    ${c && tab === 'stats' ? (running ? html`<${StatsTab} id=${id} />` : html`<p class="empty">Not running.</p>`) : null}
    ${c && tab === 'terminal' ? (running ? html`<${TerminalTab} id=${id} />` : html`<p class="empty">Not running.</p>`) : null}
    ${c && tab === 'top' ? (running ? html`<${TopTab} id=${id} />` : html`<p class="empty">Not running.</p>`) : null}
    ${c && tab === 'files' ? html`<${FilesTab} id=${id} />` : null}
    ${c && tab === 'diff' ? html`<${DiffTab} id=${id} />` : null}
  </section>`;
}
