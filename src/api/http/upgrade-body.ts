// The JSON body of an upgraded request (exec start): it sits in the bytes read past the headers,
// and maybe more on the socket; what follows it stays in `head` for the hijacked stream.
import { readJson } from './request-body.js';
import type { RequestContext } from './router.js';

export async function readJsonFromUpgrade<T>(ctx: RequestContext): Promise<T | undefined> {
  if (!ctx.upgrade) return readJson<T>(ctx.req);
  const len = Number(ctx.req.headers['content-length'] ?? 0);
  let buf = ctx.upgrade.head;
  const socket = ctx.upgrade.socket;
  while (buf.length < len) {
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
    if (!chunk) break;
    buf = Buffer.concat([buf, chunk]);
  }
  ctx.upgrade.head = buf.subarray(len);
  const text = buf.subarray(0, len).toString('utf8').trim();
  return text ? (JSON.parse(text) as T) : undefined;
}
