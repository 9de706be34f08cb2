// System: disk usage like `system df`, prune everything unused; and the live events stream.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, json } from '../api';
import { onEvent, recentEvents, type EngineEvent } from '../events';
import { bytes } from '../format';
import { attempt, confirmAction, ErrorLine, useLive } from '../widgets';

interface Df {
  LayersSize: number;
  Images: Array<{ Size: number; SharedSize: number; Containers: number }>;
  Containers: Array<{ SizeRw?: number; State: string }>;
  Volumes: Array<{ UsageData?: { Size: number; RefCount: number } }>;
  BuildCache?: Array<{ Size: number; InUse: boolean }> | null;
}

export function SystemPage() {
  const { data, error, reload } = useLive(() => get<Df>('/system/df'), (e) => ['image', 'container', 'volume'].includes(e.Type) && /create|destroy|delete|prune|pull|tag|untag/.test(e.Action));
  const [msg, setMsg] = useState<string | undefined>(undefined);
  const rows: Array<[string, number, number, number]> = data
    ? [
        ['Images', data.Images.length, data.Images.filter((i) => i.Containers > 0).length, data.LayersSize],
        ['Containers', data.Containers.length, data.Containers.filter((c) => c.State === 'running').length, data.Containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0)],
        ['Local volumes', data.Volumes.length, data.Volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, data.Volumes.reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0)],
        ['Build cache', data.BuildCache?.length ?? 0, (data.BuildCache ?? []).filter((b) => b.InUse).length, (data.BuildCache ?? []).reduce((a, b) => a + b.Size, 0)],
      ]
    : [];
  const prune = async () => {
    if (!(await confirmAction('Remove stopped containers, unused networks, dangling images and build cache?', 'Prune'))) return;
    await attempt(setMsg, async () => {
      let total = 0;
      for (const p of ['/containers/prune', '/networks/prune', '/images/prune', '/build/prune']) total += (await json<{ SpaceReclaimed?: number }>('POST', p).catch(() => ({ SpaceReclaimed: 0 })))?.SpaceReclaimed ?? 0;
      setMsg(`Reclaimed ${bytes(total)}`);
      reload();
    });
  };
  return html`<section>
    <header class="bar"><h1>System</h1><button class="danger" onClick=${prune}>Prune</button></header>
    <${ErrorLine} error=${error ?? msg} />
    <table class="df"><thead><tr><th>Type</th><th>Total</th><th>Active</th><th>Size</th></tr></thead>
      <tbody>${rows.map(([t, n, a, s]) => html`<tr><td>${t}</td><td>${n}</td><td>${a}</td><td>${bytes(s)}</td></tr>`)}</tbody></table>
  </section>`;
}

export function EventsPage() {
  const [events, setEvents] = useState<EngineEvent[]>([...recentEvents]);
  useEffect(() => onEvent(() => setEvents([...recentEvents])), []);
  return html`<section>
    <header class="bar"><h1>Events</h1><span class="count">since this page opened</span></header>
    <div class="scroll"><table class="events"><thead><tr><th>Time</th><th>Type</th><th>Action</th><th>Actor</th></tr></thead>
      <tbody>${events.map((e) => html`<tr><td class="sub">${new Date(e.timeNano / 1e6).toLocaleTimeString()}</td><td>${e.Type}</td><td>${e.Action}</td>
        <td class="wrap">${e.Actor.Attributes?.name ?? e.Actor.ID.slice(0, 12)}</td></tr>`)}</tbody></table></div>
    ${events.length ? null : html`<p class="empty">Waiting for events…</p>`}
  </section>`;
}
