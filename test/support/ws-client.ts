// A minimal WebSocket client for tests: the handshake over node:net, masked frames out, the
// server's frames in (decoded by berth's own FrameDecoder).
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { acceptKey, FrameDecoder, type Frame } from '../../src/api/http/websocket.js';

export interface WsClient {
  status: number;
  /** The head of the reply (status line and headers), for refused handshakes. */
  head: string;
  frames: Frame[];
  send(data: string | Buffer, opcode?: number): void;
  /** Resolves with the text of all data frames so far once `re` matches it. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

export function wsConnect(port: number, path: string, headers: Record<string, string>): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const socket: Socket = connect(port, '127.0.0.1');
    const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    let buf = Buffer.alloc(0);
    const decoder = new FrameDecoder();
    const frames: Frame[] = [];
    const waiters: Array<() => void> = [];
    let client: WsClient | undefined;
    const text = (): string => Buffer.concat(frames.filter((f) => f.opcode <= 2).map((f) => f.payload)).toString();
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      if (client) {
        frames.push(...decoder.push(d));
        waiters.splice(0).forEach((w) => w());
        return;
      }
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.subarray(0, end).toString();
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
      if (status === 101 && !head.includes(acceptKey(key))) return reject(new Error('bad Sec-WebSocket-Accept'));
      client = {
        status,
        head: head + '\r\n\r\n' + buf.subarray(end + 4).toString(),
        frames,
        send(data, opcode = 2) {
          const payload = Buffer.from(data);
          const mask = randomBytes(4);
          const len = payload.length;
          const h = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]);
          const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]!));
          socket.write(Buffer.concat([h, mask, masked]));
        },
        waitFor(re, timeoutMs = 10_000) {
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`timed out waiting for ${re}; got ${JSON.stringify(text())}`)), timeoutMs);
            const check = (): void => {
              if (re.test(text())) {
                clearTimeout(timer);
                res(text());
              } else waiters.push(check);
            };
            check();
          });
        },
        close() {
          socket.destroy();
        },
      };
      if (status === 101) frames.push(...decoder.push(buf.subarray(end + 4)));
      resolve(client);
    });
  });
}
