// The page's only way to the engine: the Engine API behind /api, with the session's CSRF token on
// every request, plus readers for its streams (JSON lines, docker's multiplexed frames).
export const API = '/api/v1.47';
let csrf = '';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Reads the session's CSRF token; false when there is no session (log in first). */
export async function startSession(): Promise<boolean> {
  const r = await fetch('/ui/session', { credentials: 'same-origin' });
  if (!r.ok) return false;
  csrf = ((await r.json()) as { csrf: string }).csrf;
  return true;
}

export function send(method: string, path: string, body?: BodyInit | object, headers: Record<string, string> = {}): Promise<Response> {
  return request(method, API + path, body, headers);
}

/** The dashboard server's own endpoints (`/ui/…`: compose up/down, the registry browser). */
export function sendUi(method: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(method, `/ui${path}`, undefined, headers);
}

async function request(method: string, url: string, body?: BodyInit | object, headers: Record<string, string> = {}): Promise<Response> {
  const isRaw = body instanceof Blob || body instanceof ArrayBuffer || body instanceof Uint8Array || typeof body === 'string';
  const r = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { 'X-Berth-CSRF': csrf, ...(body !== undefined && !isRaw ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: isRaw ? (body as BodyInit) : JSON.stringify(body) } : {}),
  });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      message = ((await r.json()) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(r.status, message);
  }
  return r;
}

export async function json<T>(method: string, path: string, body?: object): Promise<T> {
  const r = await send(method, path, body);
  const text = await r.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string): Promise<T> => json<T>('GET', path);

/** Each JSON value of a newline-delimited stream (events, pull/push/build progress, stats). */
export async function* jsonLines<T>(r: Response, signal?: AbortSignal): AsyncGenerator<T> {
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) yield JSON.parse(line) as T;
      }
    }
    if (buf.trim()) yield JSON.parse(buf) as T;
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Text of a log stream: docker's 8-byte frame headers are taken off when not a tty. */
export async function* logText(r: Response, tty: boolean): AsyncGenerator<string> {
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let pending = new Uint8Array(0);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (tty) {
        yield dec.decode(value, { stream: true });
        continue;
      }
      const merged = new Uint8Array(pending.length + value.length);
      merged.set(pending);
      merged.set(value, pending.length);
      let off = 0;
      let out = '';
      while (merged.length - off >= 8) {
        const len = new DataView(merged.buffer, merged.byteOffset + off + 4, 4).getUint32(0);
        if (merged.length - off - 8 < len) break;
        out += dec.decode(merged.subarray(off + 8, off + 8 + len), { stream: true });
        off += 8 + len;
      }
      pending = merged.slice(off);
      if (out) yield out;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

export function wsUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API}${path}`;
}

/** Docker's X-Registry-Auth for anonymous access (the daemon uses stored credentials if any). */
export const NO_AUTH = { 'X-Registry-Auth': btoa('{}') };

export async function logout(): Promise<void> {
  await fetch('/ui/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Berth-CSRF': csrf } });
}
