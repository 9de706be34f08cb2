// /containers/{id}/exec and /exec/… routes.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../router.js';
import { SERVER_HEADERS, sendJson } from '../server.js';
import { intParam, readJson } from '../request-body.js';
import { hijack, pumpOutput } from '../hijack.js';
import type { ExecConfig } from '../../container/exec-service.js';
import { errorMessage } from '../../errors.js';
import { frame, STREAM_STDOUT } from '../stream-frames.js';

export function execRoutes(r: Router, engine: Engine): void {
  const ex = engine.execs;
  r.add('POST', '/containers/:id/exec', async (ctx) => {
    const cfg = await readJson<ExecConfig>(ctx.req, false);
    sendJson(ctx.res!, 201, ex.create(ctx.params.id!, cfg!));
  });

  r.add('POST', '/exec/:id/start', async (ctx) => {
    const body = (await readJsonFromUpgrade(ctx)) ?? {};
    const e = ex.get(ctx.params.id!);
    const tty = body.Tty ?? Boolean(e.config.Tty);
    if (body.Detach) {
      const { exited } = await ex.start(e.id, { tty, stdin: false });
      void exited;
      if (ctx.res) ctx.res.writeHead(200, { ...SERVER_HEADERS, 'Content-Length': '0' }).end();
      else ctx.upgrade!.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const h = hijack(ctx, tty);
    let exited: Promise<number>;
    try {
      ({ exited } = await ex.start(e.id, { tty }));
    } catch (err) {
      // Like dockerd: once hijacked, a start failure is written into the stream.
      const msg = Buffer.from(`${errorMessage(err)}\r\n`);
      h.write(tty ? msg : frame(STREAM_STDOUT, msg));
      h.end();
      return;
    }
    if (e.config.AttachStdin) void ex.stdin(e.id, h.input).catch(() => undefined);
    else h.input.resume();
    try {
      await pumpOutput(ex.output(e.id, exited), h, tty);
    } finally {
      h.end();
    }
  });

  r.add('POST', '/exec/:id/resize', async (ctx) => {
    await ex.resize(ctx.params.id!, intParam(ctx.query, 'h') ?? 24, intParam(ctx.query, 'w') ?? 80);
    ctx.res!.writeHead(200, { ...SERVER_HEADERS, 'Content-Length': '0' }).end();
  });

  r.add('GET', '/exec/:id/json', (ctx) => {
    sendJson(ctx.res!, 200, ex.inspect(ctx.params.id!));
  });
}

/** exec start's JSON body; on an upgraded request it sits in `head` (and maybe more on the socket). */
async function readJsonFromUpgrade(ctx: Parameters<Parameters<Router['add']>[2]>[0]): Promise<{ Detach?: boolean; Tty?: boolean } | undefined> {
  if (!ctx.upgrade) return readJson(ctx.req);
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
  return text ? (JSON.parse(text) as { Detach?: boolean; Tty?: boolean }) : undefined;
}
