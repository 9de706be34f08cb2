// Images: sizes and shared size, each one's layers (history), pull with a progress bar per layer,
// tag, push, remove, prune, and build from an uploaded context or a Git URL with the log streaming.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, json, jsonLines, send, NO_AUTH } from '../api';
import { ago, bytes, shortId } from '../format';
import { attempt, confirmAction, ErrorLine, useLive } from '../widgets';

interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Containers: number;
}

interface Progress {
  id?: string;
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message: string };
  progressDetail?: { current?: number; total?: number };
  aux?: { ID?: string };
}

interface Layer {
  status: string;
  current: number;
  total: number;
}

/** Runs a JSON-progress request and keeps one bar per layer id plus the message lines. */
function useProgress() {
  const [layers, setLayers] = useState<Record<string, Layer>>({});
  const [log, setLog] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const run = async (r: () => Promise<Response>) => {
    setLayers({});
    setLog([]);
    setBusy(true);
    const acc: Record<string, Layer> = {};
    const lines: string[] = [];
    try {
      for await (const p of jsonLines<Progress>(await r())) {
        if (p.error) throw new Error(p.errorDetail?.message ?? p.error);
        if (p.id && p.status && /^[0-9a-f]{12}$/.test(p.id)) {
          const prev = acc[p.id];
          const done = /complete|exists|pushed|already/i.test(p.status);
          acc[p.id] = { status: p.status, current: done ? prev?.total || 1 : p.progressDetail?.current ?? prev?.current ?? 0, total: done ? prev?.total || 1 : p.progressDetail?.total ?? prev?.total ?? 0 };
          setLayers({ ...acc });
        } else if (p.status || p.stream) {
          lines.push((p.status ? `${p.id ? `${p.id}: ` : ''}${p.status}` : p.stream!).replace(/\n$/, ''));
          setLog([...lines]);
        }
      }
      lines.push('done');
      setLog([...lines]);
    } catch (e) {
      lines.push(`error: ${(e as Error).message}`);
      setLog([...lines]);
    } finally {
      setBusy(false);
    }
  };
  const view = html`<div class="progress">
    ${Object.entries(layers).map(([id, l]) => html`<div class="layer" data-layer=${id}><code>${id}</code>
      <progress max=${l.total || 1} value=${l.total ? l.current : 0}></progress><span class="sub">${l.status}</span></div>`)}
    ${log.length ? html`<pre class="log-lines short" data-progress-log>${log.join('\n')}</pre>` : null}
  </div>`;
  return { run, view, busy };
}

function History({ id }: { id: string }) {
  const { data } = useLive(() => get<Array<{ Id: string; Created: number; CreatedBy: string; Size: number; Tags: string[] | null }>>(`/images/${id}/history`), () => false, [id]);
  return html`<table class="history"><tbody>${(data ?? []).map((h) => html`<tr><td class="sub">${ago(h.Created)}</td><td>${bytes(h.Size)}</td><td class="wrap"><code>${h.CreatedBy}</code></td></tr>`)}</tbody></table>`;
}

function PullForm() {
  const [ref, setRef] = useState('');
  const p = useProgress();
  const submit = (e: Event) => {
    e.preventDefault();
    const m = /^(.*?)(?::([\w][\w.-]*))?$/.exec(ref.trim())!;
    void p.run(() => send('POST', `/images/create?fromImage=${encodeURIComponent(m[1]!)}&tag=${encodeURIComponent(m[2] ?? 'latest')}`, undefined, NO_AUTH));
  };
  return html`<form class="card" onSubmit=${submit}><h2>Pull</h2>
    <div class="bar"><input name="pull" placeholder="registry/name:tag" value=${ref} onInput=${(e: Event) => setRef((e.target as HTMLInputElement).value)} required />
    <button type="submit" disabled=${p.busy}>Pull</button></div>${p.view}</form>`;
}

function BuildForm() {
  const [tag, setTag] = useState('');
  const [remote, setRemote] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const p = useProgress();
  const submit = (e: Event) => {
    e.preventDefault();
    const q = `/build?t=${encodeURIComponent(tag)}${remote ? `&remote=${encodeURIComponent(remote)}` : ''}`;
    void p.run(() => send('POST', q, file && !remote ? file : '', { 'Content-Type': 'application/x-tar' }));
  };
  return html`<form class="card" onSubmit=${submit}><h2>Build</h2>
    <div class="bar"><input placeholder="tag (name:tag)" value=${tag} onInput=${(e: Event) => setTag((e.target as HTMLInputElement).value)} />
      <input type="file" accept=".tar,.tar.gz,.tgz" onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} />
      <input placeholder="or a Git URL" value=${remote} onInput=${(e: Event) => setRemote((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${p.busy || (!file && !remote)}>Build</button></div>${p.view}</form>`;
}

function Row({ img, onError }: { img: ImageSummary; onError: (e: string | undefined) => void }) {
  const [open, setOpen] = useState(false);
  const push = useProgress();
  const name = img.RepoTags?.[0] ?? shortId(img.Id);
  const remove = async () => {
    if (await confirmAction(`Remove image ${name}?`, 'Remove')) await attempt(onError, () => send('DELETE', `/images/${encodeURIComponent(img.RepoTags?.[0] ?? img.Id)}`));
  };
  const tag = async () => {
    const to = prompt(`New tag for ${name} (repo:tag)`);
    if (!to) return;
    const m = /^(.*?)(?::([\w][\w.-]*))?$/.exec(to)!;
    await attempt(onError, () => send('POST', `/images/${encodeURIComponent(img.Id)}/tag?repo=${encodeURIComponent(m[1]!)}&tag=${encodeURIComponent(m[2] ?? 'latest')}`));
  };
  const doPush = async () => {
    if (!img.RepoTags?.[0] || !(await confirmAction(`Push ${name}?`, 'Push'))) return;
    const [repo, t] = [name.replace(/:[^:/]+$/, ''), /:([^:/]+)$/.exec(name)?.[1] ?? 'latest'];
    void push.run(() => send('POST', `/images/${encodeURIComponent(repo)}/push?tag=${encodeURIComponent(t)}`, undefined, NO_AUTH));
  };
  return html`<tr data-image=${name}>
      <td><button class="link" onClick=${() => setOpen(!open)} aria-expanded=${open}>${open ? '▾' : '▸'}</button> ${(img.RepoTags ?? ['<none>']).join(', ')}<div class="sub">${shortId(img.Id)}</div></td>
      <td>${bytes(img.Size)}</td><td>${img.SharedSize >= 0 ? bytes(img.SharedSize) : '—'}</td><td>${ago(img.Created)}</td><td>${img.Containers >= 0 ? img.Containers : ''}</td>
      <td class="actions"><button onClick=${tag}>Tag</button><button onClick=${doPush} disabled=${!img.RepoTags?.length}>Push</button><button class="danger" onClick=${remove}>Remove</button></td>
    </tr>
    ${open || push.busy ? html`<tr class="detail"><td colspan="6">${push.view}${open ? html`<${History} id=${img.Id} />` : null}</td></tr>` : null}`;
}

export function ImagesPage() {
  const { data, error } = useLive(() => get<ImageSummary[]>('/images/json?shared-size=1'), (e) => e.Type === 'image');
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const prune = async () => {
    if (!(await confirmAction('Remove all dangling images?', 'Prune'))) return;
    await attempt(setActionError, async () => {
      const r = await json<{ SpaceReclaimed: number }>('POST', '/images/prune');
      setActionError(`Reclaimed ${bytes(r.SpaceReclaimed)}`);
    });
  };
  return html`<section>
    <header class="bar"><h1>Images</h1><button onClick=${prune}>Prune</button>
      <span class="count">${data?.length ?? 0} images, ${bytes((data ?? []).reduce((a, i) => a + i.Size, 0))}</span></header>
    <${ErrorLine} error=${error ?? actionError} />
    <div class="grid"><${PullForm} /><${BuildForm} /></div>
    <div class="scroll"><table class="images">
      <thead><tr><th>Tags</th><th>Size</th><th>Shared</th><th>Created</th><th>Containers</th><th></th></tr></thead>
      <tbody>${(data ?? []).map((img) => html`<${Row} key=${img.Id} img=${img} onError=${setActionError} />`)}</tbody>
    </table></div>
  </section>`;
}
