// Compose projects: the project's containers found by compose's labels, through the Engine API —
// start, stop, restart, remove (down without its networks), a service's logs — and `up`/`down`
// run by the dashboard server as `berth compose` with the project's files (docs/dashboard.md).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, logText, send, sendUi } from '../api';
import { attempt, confirmAction, ErrorLine, useLive } from '../widgets';
import type { ContainerSummary } from './containers';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const MAX_LINES = 2000;

const nameOf = (c: ContainerSummary): string => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);

function byProject(cs: ContainerSummary[]): Map<string, ContainerSummary[]> {
  const out = new Map<string, ContainerSummary[]>();
  for (const c of cs) {
    const p = c.Labels[PROJECT];
    if (!p) continue;
    let list = out.get(p);
    if (!list) out.set(p, (list = []));
    list.push(c);
  }
  return out;
}

/** Each container's followed logs, lines prefixed with its name as `compose logs` does. */
function ServiceLogs({ containers }: { containers: ContainerSummary[] }) {
  const [lines, setLines] = useState<string[]>([]);
  const key = containers.map((c) => c.Id).join(',');
  useEffect(() => {
    const abort = new AbortController();
    let acc: string[] = [];
    setLines([]);
    for (const c of containers) {
      void (async () => {
        let partial = '';
        try {
          const r = await send('GET', `/containers/${c.Id}/logs?stdout=1&stderr=1&tail=200&follow=1`);
          for await (const text of logText(r, false)) {
            if (abort.signal.aborted) return;
            const parts = (partial + text).split('\n');
            partial = parts.pop() ?? '';
            acc = [...acc, ...parts.map((l) => `${nameOf(c)}  | ${l}`)].slice(-MAX_LINES);
            setLines(acc);
          }
        } catch {
          // removed, or the page left
        }
      })();
    }
    return () => abort.abort();
  }, [key]);
  return html`<pre class="log-lines short" data-service-logs>${lines.join('\n')}</pre>`;
}

function Project({ name, containers, onMessage }: { name: string; containers: ContainerSummary[]; onMessage: (m: string | undefined) => void }) {
  const [busy, setBusy] = useState('');
  const [output, setOutput] = useState('');
  const [logsOf, setLogsOf] = useState<string | undefined>(undefined);
  const services = [...new Set(containers.map((c) => c.Labels[SERVICE] ?? ''))].sort();
  const each = (label: string, m: string, path: (id: string) => string, states?: string[]) => async () => {
    if (!(await confirmAction(`${label} project ${name}?`, label))) return;
    setBusy(label);
    await attempt(onMessage, () => Promise.all(containers.filter((c) => !states || states.includes(c.State)).map((c) => send(m, path(c.Id)))));
    setBusy('');
  };
  const compose = (verb: 'up' | 'down') => async () => {
    if (verb === 'down' && !(await confirmAction(`Down project ${name} (containers and networks)?`, 'Down'))) return;
    setBusy(verb);
    await attempt(onMessage, async () => {
      const res = (await (await sendUi('POST', `/compose/${encodeURIComponent(name)}/${verb}`)).json()) as { code: number; output: string };
      setOutput(res.output);
      if (res.code !== 0) throw new Error(`compose ${verb} exited with ${res.code}`);
    });
    setBusy('');
  };
  const running = containers.filter((c) => c.State === 'running').length;
  return html`<div class="card wide" data-project=${name}>
    <header class="bar"><h2>${name}</h2><span class="sub" data-project-state>${running} of ${containers.length} running</span>
      <button disabled=${Boolean(busy)} onClick=${compose('up')}>Up</button>
      <button disabled=${Boolean(busy)} onClick=${each('Start', 'POST', (id) => `/containers/${id}/start`, ['created', 'exited'])}>Start</button>
      <button disabled=${Boolean(busy)} onClick=${each('Stop', 'POST', (id) => `/containers/${id}/stop`, ['running', 'paused', 'restarting'])}>Stop</button>
      <button disabled=${Boolean(busy)} onClick=${each('Restart', 'POST', (id) => `/containers/${id}/restart`)}>Restart</button>
      <button class="danger" disabled=${Boolean(busy)} onClick=${each('Remove', 'DELETE', (id) => `/containers/${id}?force=1`)}>Remove</button>
      <button class="danger" disabled=${Boolean(busy)} onClick=${compose('down')}>Down</button>
      ${busy ? html`<span class="sub">${busy}…</span>` : null}
    </header>
    <table><thead><tr><th>Service</th><th>Containers</th><th></th></tr></thead><tbody>
      ${services.map((s) => {
        const cs = containers.filter((c) => (c.Labels[SERVICE] ?? '') === s);
        return html`<tr data-service=${s}><td>${s}</td>
          <td>${cs.map((c) => html`<a href=${`#/containers/${c.Id}`}>${nameOf(c)}</a> <span class=${`state state-${c.State}`}>${c.State}</span> `)}</td>
          <td class="actions"><button onClick=${() => setLogsOf(logsOf === s ? undefined : s)}>${logsOf === s ? 'Hide logs' : 'Logs'}</button></td></tr>`;
      })}
    </tbody></table>
    ${logsOf !== undefined ? html`<${ServiceLogs} containers=${containers.filter((c) => (c.Labels[SERVICE] ?? '') === logsOf)} />` : null}
    ${output ? html`<pre class="log-lines short" data-compose-output>${output}</pre>` : null}
  </div>`;
}

export function ComposePage() {
  const { data, error } = useLive(() => get<ContainerSummary[]>(`/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [PROJECT] }))}`), (e) => e.Type === 'container');
  const [msg, setMsg] = useState<string | undefined>(undefined);
  const projects = [...byProject(data ?? [])].sort(([a], [b]) => a.localeCompare(b));
  return html`<section>
    <header class="bar"><h1>Compose</h1><span class="count">${projects.length} projects</span></header>
    <${ErrorLine} error=${error ?? msg} />
    <div class="grid">${projects.map(([p, cs]) => html`<${Project} key=${p} name=${p} containers=${cs} onMessage=${setMsg} />`)}</div>
    ${data && !projects.length ? html`<p class="empty">No compose projects: <code>berth compose up</code> makes one.</p>` : null}
  </section>`;
}
