// Hijacked connections (attach, exec start): after `101 UPGRADED` the TCP stream carries the
// container's stdin one way and its output the other, framed (non-tty) or raw (tty).
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type { RequestContext } from './router.js';
import { errorMessage } from '../../errors.js';
import { MAX_API_VERSION, compareVersions } from '../../engine-api-version.js';
import { statusOf } from './error-status.js';
import { frame, STREAM_STDERR, STREAM_STDOUT } from './stream-frames.js';
import { readUpgradeBody } from './upgrade-body.js';
import { drained } from '../../fsutil/drained.js';

const RAW_STREAM = 'application/vnd.docker.raw-stream';
const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export interface Hijacked {
  /** What the client sends after the upgrade (stdin); the request body is never part of it. */
  input: Readable;
  write(chunk: Buffer): boolean;
  /** Resolves once the client has taken what was written (after a write returned false). */
  drained(): Promise<void>;
  end(): void;
  closed: Promise<void>;
  socket?: Duplex;
}

/** docker's media type for attach/exec/logs output: multiplexed (no tty) from API 1.42, raw before and with a tty. */
export function streamMediaType(version: string, multiplexed: boolean): string {
  return multiplexed && compareVersions(version, '1.42') >= 0 ? MULTIPLEXED_STREAM : RAW_STREAM;
}

/**
 * Takes over the connection: `101 UPGRADED` for an upgrade request (after its body, which is read
 * and dropped), else dockerd's `200 OK` with a raw stream whose input ends when the client goes.
 */
export async function hijack(ctx: RequestContext, multiplexed: boolean): Promise<Hijacked> {
  if (ctx.upgrade) {
    await readUpgradeBody(ctx);
    const { socket, head } = ctx.upgrade;
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${streamMediaType(ctx.version, multiplexed)}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${MAX_API_VERSION}\r\n\r\n`);
    (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const input = new PassThrough();
    if (head.length > 0) input.write(head);
    socket.pipe(input);
    socket.on('error', () => input.end());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return {
      input,
      write: (chunk) => (socket.writable ? socket.write(chunk) : false),
      drained: () => drained(socket),
      end: () => socket.end(),
      closed,
      socket,
    };
  }
  const res = ctx.res!;
  res.writeHead(200, { 'Content-Type': RAW_STREAM, 'Api-Version': MAX_API_VERSION });
  res.flushHeaders();
  ctx.req.resume();
  const input = new PassThrough();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  void closed.then(() => input.end());
  return { input, write: (chunk) => res.write(chunk), drained: () => drained(res), end: () => res.end(), closed };
}

/** An error before the stream, the way dockerd's attach reports it: status line and plain text. */
export function sendStreamError(ctx: RequestContext, err: unknown): void {
  const status = statusOf(err);
  const text = `${errorMessage(err)}\r\n`;
  if (ctx.upgrade) {
    ctx.upgrade.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: ${RAW_STREAM}\r\n\r\n${text}`);
    return;
  }
  ctx.res!.writeHead(status, { 'Content-Type': RAW_STREAM, 'Api-Version': MAX_API_VERSION, Connection: 'close' });
  ctx.res!.end(text);
}

/** One chunk of a container's output, as the log reader yields it (the shape, not its source). */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  timeNano: bigint;
  data: Buffer;
}

/**
 * Writes output chunks to a hijacked stream or a response: frames when not a tty. It reads no
 * further while the client has not taken what was written (a client that stops reading holds the
 * producer, not berthd's memory).
 */
export async function pumpOutput(entries: AsyncIterable<OutputChunk>, out: Pick<Hijacked, 'write' | 'drained'> | ServerResponse, tty: boolean, timestamps = false, formatTime?: (n: bigint) => string): Promise<void> {
  const wait = 'drained' in out ? () => out.drained() : () => drained(out);
  for await (const e of entries) {
    let data = e.data;
    if (timestamps && formatTime) data = Buffer.concat([Buffer.from(`${formatTime(e.timeNano)} `), data]);
    if (!out.write(tty ? data : frame(e.stream === 'stderr' ? STREAM_STDERR : STREAM_STDOUT, data))) await wait();
  }
}
