// The registry browser: the configured registry's repositories, a repository's tags, a tag's
// manifest, and deleting a tag — all through the registry's own /v2/ API, proxied by the
// dashboard server behind the session (`berthd --ui-registry URL`).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { sendUi } from '../api';
import { attempt, confirmAction, ErrorLine } from '../widgets';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const reg = async <T>(path: string): Promise<T> => (await (await sendUi('GET', `/registry/v2/${path}`)).json()) as T;

function Manifest({ repo, tag }: { repo: string; tag: string }) {
  const [text, setText] = useState<{ digest: string; type: string; body: string } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    void attempt(setError, async () => {
      const r = await sendUi('GET', `/registry/v2/${repo}/manifests/${encodeURIComponent(tag)}`, { Accept: MANIFEST_TYPES });
      const body = await r.text();
      setText({ digest: r.headers.get('docker-content-digest') ?? '', type: r.headers.get('content-type') ?? '', body: JSON.stringify(JSON.parse(body), null, 2) });
    });
  }, [repo, tag]);
  if (error) return html`<${ErrorLine} error=${error} />`;
  if (!text) return html`<p class="sub">Loading…</p>`;
  return html`<div data-manifest><dl class="facts"><dt>digest</dt><dd>${text.digest}</dd><dt>type</dt><dd>${text.type}</dd></dl><pre>${text.body}</pre></div>`;
}

function Repository({ repo, onError }: { repo: string; onError: (e: string | undefined) => void }) {
  const [tags, setTags] = useState<string[] | undefined>(undefined);
  const [shown, setShown] = useState<string | undefined>(undefined);
  const load = () => void attempt(onError, async () => setTags(((await reg<{ tags: string[] | null }>(`${repo}/tags/list`)).tags ?? []).sort()));
  useEffect(load, [repo]);
  const remove = (tag: string) => async () => {
    if (!(await confirmAction(`Delete tag ${repo}:${tag} from the registry?`, 'Delete'))) return;
    await attempt(onError, () => sendUi('DELETE', `/registry/v2/${repo}/manifests/${encodeURIComponent(tag)}`));
    if (shown === tag) setShown(undefined);
    load();
  };
  return html`<div class="card wide" data-repository=${repo}>
    <h2>${repo}</h2>
    ${tags && !tags.length ? html`<p class="sub">No tags.</p>` : null}
    <table><tbody>${(tags ?? []).map((t) => html`<tr data-tag=${t}><td>${t}</td><td class="actions">
      <button onClick=${() => setShown(shown === t ? undefined : t)}>${shown === t ? 'Hide manifest' : 'Manifest'}</button>
      <button class="danger" onClick=${remove(t)}>Delete</button></td></tr>`)}</tbody></table>
    ${shown ? html`<${Manifest} repo=${repo} tag=${shown} />` : null}
  </div>`;
}

export function RegistryPage() {
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  const [repos, setRepos] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () => void attempt(setError, async () => {
    const where = ((await (await sendUi('GET', '/registry')).json()) as { url: string | null }).url;
    setUrl(where);
    if (where) setRepos(((await reg<{ repositories: string[] | null }>('_catalog')).repositories ?? []).sort());
  });
  useEffect(load, []);
  return html`<section>
    <header class="bar"><h1>Registry</h1><span class="count">${url ?? ''}</span><button onClick=${load}>Reload</button></header>
    <${ErrorLine} error=${error} />
    ${url === null ? html`<p class="empty">No registry configured: start berthd with <code>--ui-registry URL</code>.</p>` : null}
    ${url && !repos.length ? html`<p class="empty">The registry holds no repositories.</p>` : null}
    <div class="grid">${repos.map((r) => html`<${Repository} key=${r} repo=${r} onError=${setError} />`)}</div>
  </section>`;
}
