// A shell in the page: an exec with a tty, its bytes over the exec websocket, shown by xterm.js
// (loaded with the tab). The terminal's size follows the element.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { json, send, wsUrl } from '../api';

export function TerminalTab({ id }: { id: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [shell, setShell] = useState('sh');
  const [session, setSession] = useState(0);
  const [status, setStatus] = useState('connecting');
  useEffect(() => {
    let ws: WebSocket | undefined;
    let dispose = (): void => undefined;
    void (async () => {
      const { Terminal } = await import('@xterm/xterm');
      const term = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 13, rows: 24, cols: 80 });
      term.open(host.current!);
      const { Id } = await json<{ Id: string }>('POST', `/containers/${id}/exec`, { Cmd: [shell], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Env: ['TERM=xterm-256color'] });
      ws = new WebSocket(wsUrl(`/exec/${Id}/start/ws`));
      ws.binaryType = 'arraybuffer';
      const enc = new TextEncoder();
      ws.onopen = () => {
        setStatus('connected');
        void send('POST', `/exec/${Id}/resize?h=${term.rows}&w=${term.cols}`).catch(() => undefined);
        term.focus();
      };
      ws.onmessage = (m) => term.write(typeof m.data === 'string' ? m.data : new Uint8Array(m.data as ArrayBuffer));
      ws.onclose = () => setStatus('closed');
      const input = term.onData((d) => ws?.readyState === WebSocket.OPEN && ws.send(enc.encode(d)));
      dispose = () => {
        input.dispose();
        term.dispose();
      };
    })().catch((e: Error) => setStatus(`error: ${e.message}`));
    return () => {
      ws?.close();
      dispose();
    };
  }, [id, session]);
  return html`<div class="terminal-tab">
    <div class="bar">
      <select value=${shell} onChange=${(e: Event) => setShell((e.target as HTMLSelectElement).value)}>${['sh', 'bash', 'ash'].map((s) => html`<option>${s}</option>`)}</select>
      <button onClick=${() => setSession((n) => n + 1)}>Reconnect</button>
      <span class="count" data-terminal-status=${status}>${status}</span>
    </div>
    <div class="terminal" ref=${host}></div>
  </div>`;
}
