// Live logs: the tail, then followed; a search that filters lines, timestamps on demand.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { send, logText } from '../api';

const MAX_LINES = 5000;

export function LogsTab({ id, tty }: { id: string; tty: boolean }) {
  const [lines, setLines] = useState<string[]>([]);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [search, setSearch] = useState('');
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    let partial = '';
    let acc: string[] = [];
    setLines([]);
    void (async () => {
      try {
        const r = await send('GET', `/containers/${id}/logs?stdout=1&stderr=1&tail=500&follow=${follow ? 1 : 0}&timestamps=${timestamps ? 1 : 0}`);
        for await (const text of logText(r, tty)) {
          if (abort.signal.aborted) return;
          const parts = (partial + text).split('\n');
          partial = parts.pop() ?? '';
          acc = [...acc, ...parts].slice(-MAX_LINES);
          setLines(acc);
        }
        if (partial) setLines([...acc, partial]);
      } catch {
        // the stream ended (container removed, page left)
      }
    })();
    return () => abort.abort();
  }, [id, follow, timestamps]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  const shown = search ? lines.filter((l) => l.toLowerCase().includes(search.toLowerCase())) : lines;
  return html`<div class="logs">
    <div class="bar">
      <label><input type="checkbox" checked=${follow} onChange=${(e: Event) => setFollow((e.target as HTMLInputElement).checked)} /> follow</label>
      <label><input type="checkbox" checked=${timestamps} onChange=${(e: Event) => setTimestamps((e.target as HTMLInputElement).checked)} /> timestamps</label>
      <input type="search" placeholder="Search logs" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      <span class="count">${shown.length} lines</span>
    </div>
    <pre class="log-lines" ref=${box}>${shown.join('\n')}</pre>
  </div>`;
}
