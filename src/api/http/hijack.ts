// Hijacked connections (attach, exec start): after `101 UPGRADED` the TCP stream carries the
// container's stdin one way and its output the other, framed (non-tty) or raw (tty).
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type { RequestContext } from './router.js';
import { MAX_API_VERSION } from '../../engine-api-version.js';
import { frame, STREAM_STDERR, STREAM_STDOUT } from './stream-frames.js';

export interface Hijacked {
  /** What the client sends (stdin), with bytes read past the headers first. */
  input: Readable;
  write(chunk: Buffer): boolean;
  end(): void;
  closed: Promise<void>;
  socket?: Duplex;
}

export function hijack(ctx: RequestContext, tty: boolean): Hijacked {
  const contentType = tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  if (ctx.upgrade) {
    const { socket, head } = ctx.upgrade;
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${MAX_API_VERSION}\r\n\r\n`);
    (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const input = new PassThrough();
    if (head.length > 0) input.write(head);
    socket.pipe(input);
    socket.on('error', () => input.end());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return {
      input,
      write: (chunk) => (socket.writable ? socket.write(chunk) : false),
      end: () => socket.end(),
      closed,
      socket,
    };
  }
  const res = ctx.res!;
  res.writeHead(200, { 'Content-Type': contentType, 'Api-Version': MAX_API_VERSION });
  res.flushHeaders();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return { input: ctx.req, write: (chunk) => res.write(chunk), end: () => res.end(), closed };
}

/** One chunk of a container's output, as the log reader yields it (the shape, not its source). */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  timeNano: bigint;
  data: Buffer;
}

/** Writes output chunks to a hijacked stream or response: frames when not a tty. */
export async function pumpOutput(entries: AsyncIterable<OutputChunk>, out: { write(b: Buffer): boolean }, tty: boolean, timestamps = false, formatTime?: (n: bigint) => string): Promise<void> {
  for await (const e of entries) {
    let data = e.data;
    if (timestamps && formatTime) data = Buffer.concat([Buffer.from(`${formatTime(e.timeNano)} `), data]);
    out.write(tty ? data : frame(e.stream === 'stderr' ? STREAM_STDERR : STREAM_STDOUT, data));
  }
}
