// /containers/{id}/exec and /exec/… routes.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendEmpty, sendJson } from '../http/responses.js';
import { intParam, readJson } from '../http/request-body.js';
import { readJsonFromUpgrade } from '../http/upgrade-body.js';
import { hijack, pumpOutput } from '../http/hijack.js';
import type { ExecConfig } from '../../container/exec-service.js';
import { errorMessage } from '../../errors.js';
import { frame, STREAM_STDOUT } from '../http/stream-frames.js';

export function execRoutes(r: Router, engine: Engine): void {
  const ex = engine.execs;
  r.add('POST', '/containers/:id/exec', async (ctx) => {
    const cfg = await readJson<ExecConfig>(ctx.req, false);
    sendJson(ctx.res!, 201, ex.create(ctx.params.id!, cfg!));
  });

  r.add('POST', '/exec/:id/start', async (ctx) => {
    const body = (await readJsonFromUpgrade<{ Detach?: boolean; Tty?: boolean }>(ctx)) ?? {};
    const e = ex.get(ctx.params.id!);
    const tty = body.Tty ?? Boolean(e.config.Tty);
    if (body.Detach) {
      const { exited } = await ex.start(e.id, { tty, stdin: false });
      void exited;
      if (ctx.res) sendEmpty(ctx.res);
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
    sendEmpty(ctx.res!);
  });

  r.add('GET', '/exec/:id/json', (ctx) => {
    sendJson(ctx.res!, 200, ex.inspect(ctx.params.id!));
  });
}
