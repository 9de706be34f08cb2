// Volumes: which containers use each, create, remove, prune.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, json, send } from '../api';
import { bytes } from '../format';
import { attempt, confirmAction, ErrorLine, useLive } from '../widgets';
import type { ContainerSummary } from './containers';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
}

export function VolumesPage() {
  const { data, error } = useLive(
    async () => {
      const [v, cs] = await Promise.all([get<{ Volumes: Volume[] | null }>('/volumes'), get<Array<ContainerSummary & { Mounts: Array<{ Name?: string }> }>>('/containers/json?all=1')]);
      return { volumes: v.Volumes ?? [], containers: cs };
    },
    (e) => e.Type === 'volume' || e.Type === 'container',
  );
  const [msg, setMsg] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const users = (v: string): string[] => (data?.containers ?? []).filter((c) => c.Mounts?.some((m) => m.Name === v)).map((c) => c.Names[0]!.replace(/^\//, ''));
  const create = (e: Event) => {
    e.preventDefault();
    void attempt(setMsg, () => json('POST', '/volumes/create', name ? { Name: name } : {})).then(() => setName(''));
  };
  const remove = (v: string) => async () => {
    if (await confirmAction(`Remove volume ${v}?`, 'Remove')) await attempt(setMsg, () => send('DELETE', `/volumes/${encodeURIComponent(v)}`));
  };
  const prune = async () => {
    if (!(await confirmAction('Remove all unused anonymous volumes?', 'Prune'))) return;
    await attempt(setMsg, async () => setMsg(`Reclaimed ${bytes((await json<{ SpaceReclaimed: number }>('POST', '/volumes/prune')).SpaceReclaimed)}`));
  };
  return html`<section>
    <header class="bar"><h1>Volumes</h1>
      <form class="bar" onSubmit=${create}><input placeholder="name (optional)" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /><button type="submit">Create</button></form>
      <button onClick=${prune}>Prune</button></header>
    <${ErrorLine} error=${error ?? msg} />
    <div class="scroll"><table><thead><tr><th>Name</th><th>Driver</th><th>Used by</th><th>Mountpoint</th><th></th></tr></thead>
      <tbody>${(data?.volumes ?? []).map((v) => html`<tr><td class="wrap">${v.Name}</td><td>${v.Driver}</td><td>${users(v.Name).join(', ') || '—'}</td><td class="wrap sub">${v.Mountpoint}</td>
        <td class="actions"><button class="danger" onClick=${remove(v.Name)}>Remove</button></td></tr>`)}</tbody></table></div>
  </section>`;
}
