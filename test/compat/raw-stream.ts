// Hijacked attach/exec streams spoken by hand over the daemon's unix socket, for byte-exact
// checks: the status line and headers as sent, the raw bytes after them, when the daemon closes;
// plus docker's 8-byte frame reader and a container helper for these tests.
import { connect, type Socket } from 'node:net';
import { compareVersions } from '../../src/engine-api-version.js';
import type { CompatTarget } from './harness.js';

export interface RawStream {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  socket: Socket;
  /** Everything received after the headers so far. */
  data(): Buffer;
  /** Resolves once the data holds `text` (rejects after `ms`). */
  waitFor(text: string | Buffer, ms?: number): Promise<void>;
  /** Resolves true once the daemon ended the stream, false if it still runs after `ms`. */
  closed(ms?: number): Promise<boolean>;
}

export interface OpenOptions {
  /** A request body: JSON-encoded unless a Buffer. */
  body?: unknown;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
  /** Ask for the upgrade (default true). */
  upgrade?: boolean;
  /** API version prefix; default the target's. */
  version?: string;
}

/** POSTs `path` and resolves once the status line and headers are in. */
export function openStream(t: CompatTarget, path: string, o: OpenOptions = {}): Promise<RawStream> {
  const socket = connect(t.socket);
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(o.body) ? o.body : Buffer.from(JSON.stringify(o.body));
  const head = [
    `POST /v${o.version ?? t.apiVersion}${path} HTTP/1.1`,
    'Host: docker',
    ...(o.upgrade === false ? [] : ['Connection: Upgrade', 'Upgrade: tcp']),
    'Content-Type: application/json',
    o.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`,
  ].join('\r\n');
  const payload = o.chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body;
  socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), payload]));
  let buf = Buffer.alloc(0);
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = (): void => waiters.forEach((w) => w());
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });
  socket.on('error', () => undefined);
  const until = (ok: () => boolean, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (ok()) return resolve(true);
      const check = (): void => {
        if (!ok()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, ms);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  return until(() => buf.includes('\r\n\r\n') || ended, 10_000).then(() => {
    const end = buf.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`no response to POST ${path}: ${JSON.stringify(buf.toString('latin1'))}`);
    const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const offset = end + 4;
    return {
      status: Number(statusLine!.split(' ')[1]),
      headers,
      socket,
      data: () => buf.subarray(offset),
      waitFor: async (text, ms = 10_000) => {
        if (!(await until(() => buf.subarray(offset).includes(text), ms))) {
          throw new Error(`waited for ${JSON.stringify(String(text))}, got ${JSON.stringify(buf.subarray(offset).toString('latin1'))}`);
        }
      },
      closed: (ms = 5_000) => until(() => ended, ms),
    };
  });
}

/** docker's multiplexed frames: [stream, 0, 0, 0, size uint32 BE] + payload. Throws on a malformed stream. */
export function demux(buf: Buffer): Array<{ stream: number; data: string }> {
  const out: Array<{ stream: number; data: string }> = [];
  let i = 0;
  while (i < buf.length) {
    if (buf.length - i < 8 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0 || buf[i]! > 2) throw new Error(`not a frame at ${i}: ${JSON.stringify(buf.subarray(i).toString('latin1'))}`);
    const size = buf.readUInt32BE(i + 4);
    out.push({ stream: buf[i]!, data: buf.subarray(i + 8, i + 8 + size).toString('latin1') });
    i += 8 + size;
  }
  return out;
}

/** A busybox container with the run's label, made from `config` (Cmd, Tty, OpenStdin…), optionally started. */
export async function container(t: CompatTarget, name: string, config: Record<string, unknown>, start = true): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-${name}` },
    body: { Image: 'busybox:latest', Labels: { 'berth.compat': t.run }, ...config },
  });
  const id = (r.body as { Id: string }).Id;
  if (start) await t.ok('POST', `/containers/${id}/start`);
  return id;
}

/** Creates an exec and returns its id. */
export async function createExec(t: CompatTarget, id: string, config: Record<string, unknown>): Promise<string> {
  const r = await t.ok('POST', `/containers/${id}/exec`, { body: { AttachStdout: true, AttachStderr: true, ...config } });
  return (r.body as { Id: string }).Id;
}

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';

/** The media type dockerd names on an upgrade: multiplexed (no tty) only from API 1.42. */
export function expectedMediaType(t: CompatTarget, multiplexed: boolean, version = t.apiVersion): string {
  return multiplexed && compareVersions(version, '1.42') >= 0 ? MULTIPLEXED : RAW;
}
