// Networks: subnets, which containers are on each (with a small graph), create, remove, prune.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, json, send } from '../api';
import { attempt, confirmAction, ErrorLine, useLive } from '../widgets';

interface Network {
  Id: string;
  Name: string;
  Driver: string;
  IPAM: { Config?: Array<{ Subnet?: string }> | null };
  Containers?: Record<string, { Name: string; IPv4Address: string }>;
}

/** The network in the middle, its containers around it. */
function Graph({ n }: { n: Network }) {
  const cs = Object.values(n.Containers ?? {});
  const r = 70;
  return html`<svg class="net-graph" viewBox="-120 -100 240 200" width="240" height="200" role="img" aria-label=${`containers on ${n.Name}`}>
    ${cs.map((c, i) => {
      const a = (2 * Math.PI * i) / Math.max(cs.length, 1);
      const x = Math.cos(a) * r;
      const y = Math.sin(a) * r;
      return html`<line x1="0" y1="0" x2=${x} y2=${y} /><circle cx=${x} cy=${y} r="6" class="node" /><text x=${x} y=${y + 16} text-anchor="middle">${c.Name}</text>`;
    })}
    <circle cx="0" cy="0" r="10" class="hub" /><text x="0" y="-14" text-anchor="middle">${n.Name}</text>
  </svg>`;
}

export function NetworksPage() {
  const { data, error } = useLive(async () => {
    const list = await get<Network[]>('/networks');
    return Promise.all(list.map((n) => get<Network>(`/networks/${n.Id}`)));
  }, (e) => e.Type === 'network');
  const [msg, setMsg] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const create = (e: Event) => {
    e.preventDefault();
    void attempt(setMsg, () => json('POST', '/networks/create', { Name: name })).then(() => setName(''));
  };
  const remove = (n: Network) => async () => {
    if (await confirmAction(`Remove network ${n.Name}?`, 'Remove')) await attempt(setMsg, () => send('DELETE', `/networks/${n.Id}`));
  };
  const prune = async () => {
    if (await confirmAction('Remove all unused networks?', 'Prune')) await attempt(setMsg, () => json('POST', '/networks/prune'));
  };
  return html`<section>
    <header class="bar"><h1>Networks</h1>
      <form class="bar" onSubmit=${create}><input placeholder="name" required value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /><button type="submit">Create</button></form>
      <button onClick=${prune}>Prune</button></header>
    <${ErrorLine} error=${error ?? msg} />
    <div class="grid">${(data ?? []).map((n) => html`<div class="card">
      <h2>${n.Name} <span class="sub">${n.Driver} ${(n.IPAM.Config ?? []).map((c) => c.Subnet).join(' ')}</span></h2>
      <${Graph} n=${n} />
      <ul>${Object.values(n.Containers ?? {}).map((c) => html`<li>${c.Name} <span class="sub">${c.IPv4Address}</span></li>`)}</ul>
      ${['bridge', 'host', 'none'].includes(n.Name) ? null : html`<button class="danger" onClick=${remove(n)}>Remove</button>`}
    </div>`)}</div>
  </section>`;
}
