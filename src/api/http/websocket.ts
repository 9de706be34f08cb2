// WebSocket (RFC 6455) on an upgraded request, as the attach/exec `…/ws` endpoints use it: the
// frames' payloads are the stream's bytes, each write one unfragmented frame, no multiplexing.
import { drained } from '../../fsutil/drained.js';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { InvalidArgumentError } from '../../errors.js';
import type { Hijacked } from './hijack.js';
import type { RequestContext } from './router.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** A client frame larger than this is refused (a terminal's keystrokes are tiny). */
const MAX_PAYLOAD = 16 * 1024 * 1024;

/** True when the request asks for a WebSocket (not docker's `Upgrade: tcp`). */
export function isWebSocketRequest(ctx: RequestContext): boolean {
  return /\bwebsocket\b/i.test(String(ctx.req.headers.upgrade ?? ''));
}

/** The `Sec-WebSocket-Accept` value for a client's key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** One server frame (servers never mask). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Reads frames out of a byte stream; `push` returns the complete frames so far. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length < 2) break;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_PAYLOAD)) throw new InvalidArgumentError('websocket frame too large');
        len = Number(big);
        off = 10;
      }
      if (len > MAX_PAYLOAD) throw new InvalidArgumentError('websocket frame too large');
      const maskAt = off;
      if (masked) off += 4;
      if (b.length < off + len) break;
      const payload = Buffer.from(b.subarray(off, off + len));
      if (masked) for (let i = 0; i < len; i++) payload[i]! ^= b[maskAt + (i & 3)]!;
      frames.push({ fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload });
      this.buf = b.subarray(off + len);
    }
    return frames;
  }
}

/**
 * Answers the handshake and returns the connection as a hijacked stream: `input` carries the
 * payloads of data frames, `write` sends one frame (binary, or text for clients before API 1.28,
 * as dockerd does).
 */
export function acceptWebSocket(ctx: RequestContext, binary: boolean): Hijacked {
  const key = ctx.req.headers['sec-websocket-key'];
  if (!ctx.upgrade || typeof key !== 'string' || !isWebSocketRequest(ctx)) throw new InvalidArgumentError('not a websocket upgrade request');
  const { socket, head } = ctx.upgrade;
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
  (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  const input = new PassThrough();
  const decoder = new FrameDecoder();
  let closing = false;
  const close = (code = 1000): void => {
    if (closing) return;
    closing = true;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    if (socket.writable) socket.end(encodeFrame(OP_CLOSE, body));
    input.end();
  };
  const onData = (chunk: Buffer): void => {
    let frames: Frame[];
    try {
      frames = decoder.push(chunk);
    } catch {
      close(1009);
      return;
    }
    for (const f of frames) {
      if (f.opcode === OP_TEXT || f.opcode === OP_BINARY || f.opcode === OP_CONTINUATION) {
        if (!input.writableEnded) input.write(f.payload);
      } else if (f.opcode === OP_PING) {
        if (socket.writable) socket.write(encodeFrame(OP_PONG, f.payload));
      } else if (f.opcode === OP_CLOSE) close();
    }
  };
  if (head.length) onData(head);
  socket.on('data', onData);
  socket.on('end', () => close());
  socket.on('error', () => input.end());
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const opcode = binary ? OP_BINARY : OP_TEXT;
  return {
    input,
    write: (chunk) => (socket.writable && !closing ? socket.write(encodeFrame(opcode, chunk)) : false),
    drained: () => drained(socket),
    end: () => close(),
    closed,
    socket,
  };
}
