// The body of an upgraded request (attach, exec start): it sits in the bytes read past the
// headers, and maybe more on the socket, sized by Content-Length or chunked. Only what follows it
// is the hijacked stream (stdin): dockerd never reads a request body as stdin. What follows stays
// in `head`.
import { InvalidArgumentError } from '../../errors.js';
import { parseJsonBody, readJson } from './request-body.js';
import type { RequestContext } from './router.js';

type Upgrade = NonNullable<RequestContext['upgrade']>;

/** Upgrades whose body has been taken off `head` already. */
const consumed = new WeakSet<Upgrade>();

/** The request body of an upgraded request, read once (later calls: empty). */
export async function readUpgradeBody(ctx: RequestContext): Promise<Buffer> {
  const up = ctx.upgrade;
  if (!up || consumed.has(up)) return Buffer.alloc(0);
  consumed.add(up);
  const chunked = /chunked/i.test(String(ctx.req.headers['transfer-encoding'] ?? ''));
  const reader = new SocketReader(up);
  if (!chunked) {
    const len = Number(ctx.req.headers['content-length'] ?? 0);
    return reader.take(len);
  }
  const parts: Buffer[] = [];
  for (;;) {
    const size = Number.parseInt((await reader.line()).split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new InvalidArgumentError('malformed chunked request body');
    if (size === 0) break;
    parts.push(await reader.take(size));
    await reader.line();
  }
  // Trailers, up to the empty line.
  while ((await reader.line()) !== '');
  return Buffer.concat(parts);
}

/** The JSON body of a request that may be upgraded (exec start). */
export async function readJsonFromUpgrade<T>(ctx: RequestContext): Promise<T | undefined> {
  if (!ctx.upgrade) return readJson<T>(ctx.req);
  return parseJsonBody<T>(await readUpgradeBody(ctx));
}

/** Reads from `head`, then from the paused socket, leaving what it did not take in `head`. */
class SocketReader {
  constructor(private readonly up: Upgrade) {}

  async take(n: number): Promise<Buffer> {
    while (this.up.head.length < n) if (!(await this.more())) break;
    const out = this.up.head.subarray(0, n);
    this.up.head = this.up.head.subarray(out.length);
    return out;
  }

  async line(): Promise<string> {
    let nl: number;
    while ((nl = this.up.head.indexOf('\r\n')) === -1) {
      if (!(await this.more())) {
        const rest = this.up.head.toString('latin1');
        this.up.head = Buffer.alloc(0);
        return rest;
      }
    }
    const text = this.up.head.subarray(0, nl).toString('latin1');
    this.up.head = this.up.head.subarray(nl + 2);
    return text;
  }

  private async more(): Promise<boolean> {
    const socket = this.up.socket;
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (d: Buffer): void => {
        socket.off('end', onEnd);
        socket.pause();
        resolve(d);
      };
      const onEnd = (): void => {
        socket.off('data', onData);
        resolve(null);
      };
      socket.once('data', onData);
      socket.once('end', onEnd);
      socket.resume();
    });
    if (!chunk) return false;
    this.up.head = Buffer.concat([this.up.head, chunk]);
    return true;
  }
}
