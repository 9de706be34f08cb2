// The file browser over the archive endpoints: a folder's listing (its archive, read in the page),
// a file's download, an upload into the folder shown.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { send } from '../api';
import { bytes } from '../format';
import { readTar, writeTar, type TarEntry } from '../tar';
import { attempt, ErrorLine } from '../widgets';

const join = (dir: string, name: string): string => (dir.endsWith('/') ? dir : `${dir}/`) + name;

export function FilesTab({ id }: { id: string }) {
  const [dir, setDir] = useState('/');
  const [entries, setEntries] = useState<TarEntry[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    void attempt(setError, async () => {
      setEntries([]);
      const r = await send('GET', `/containers/${id}/archive?path=${encodeURIComponent(dir)}`);
      const all = readTar(new Uint8Array(await r.arrayBuffer()));
      // The archive names the folder itself first; its children sit one level below it.
      const base = all[0]?.name ?? '';
      setEntries(all.filter((e) => e.name.startsWith(`${base}/`) && !e.name.slice(base.length + 1).includes('/')));
    });
  }, [id, dir, version]);
  const download = (e: TarEntry) => async () => {
    await attempt(setError, async () => {
      const r = await send('GET', `/containers/${id}/archive?path=${encodeURIComponent(join(dir, e.name.split('/').pop()!))}`);
      const file = readTar(new Uint8Array(await r.arrayBuffer()))[0];
      if (!file) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([file.data.slice()]));
      a.download = file.name.split('/').pop()!;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    });
  };
  const upload = async (ev: Event) => {
    const input = ev.target as HTMLInputElement;
    const f = input.files?.[0];
    if (!f) return;
    await attempt(setError, async () => {
      const tar = writeTar(f.name, new Uint8Array(await f.arrayBuffer()));
      await send('PUT', `/containers/${id}/archive?path=${encodeURIComponent(dir)}`, new Blob([tar.slice()]), { 'Content-Type': 'application/x-tar' });
      setVersion((v) => v + 1);
    });
    input.value = '';
  };
  const up = dir === '/' ? undefined : dir.replace(/\/[^/]+\/?$/, '') || '/';
  return html`<div class="files">
    <div class="bar"><code class="path">${dir}</code>
      <label class="button">Upload here<input type="file" hidden onChange=${upload} /></label></div>
    <${ErrorLine} error=${error} />
    <table><tbody>
      ${up ? html`<tr><td colspan="3"><a href="#" onClick=${(e: Event) => (e.preventDefault(), setDir(up))}>..</a></td></tr>` : null}
      ${entries.map((e) => {
        const name = e.name.split('/').pop()!;
        return html`<tr><td>${e.type === 'dir'
          ? html`<a href="#" onClick=${(ev: Event) => (ev.preventDefault(), setDir(join(dir, name)))}>${name}/</a>`
          : name}</td><td>${e.type === 'file' ? bytes(e.size) : e.type}</td>
          <td>${e.type === 'file' ? html`<button onClick=${download(e)}>Download</button>` : null}</td></tr>`;
      })}
    </tbody></table>
  </div>`;
}
