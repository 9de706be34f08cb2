// The WebSocket streams: docker's `GET /containers/{id}/attach/ws` (raw bytes both ways, never
// multiplexed; binary frames from API 1.28, text before; stdin/stdout/stderr from the query from
// API 1.42, all three before), and berth's `GET /exec/{id}/start/ws`, which starts an exec the
// same way (docker has no exec websocket; the dashboard's terminal needs one).
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { boolParam } from '../http/request-body.js';
import { pumpOutput } from '../http/hijack.js';
import { acceptWebSocket } from '../http/websocket.js';
import { compareVersions } from '../../engine-api-version.js';
import { errorMessage } from '../../errors.js';

export function websocketRoutes(r: Router, engine: Engine): void {
  const cs = engine.containers;
  const ex = engine.execs;

  r.add('GET', '/containers/:id/attach/ws', async (ctx) => {
    const c = cs.resolve(ctx.params.id!);
    const q = ctx.query;
    const perQuery = compareVersions(ctx.version, '1.42') >= 0;
    const stdin = perQuery ? boolParam(q, 'stdin') : true;
    const stdout = perQuery ? boolParam(q, 'stdout') : true;
    const stderr = perQuery ? boolParam(q, 'stderr') : true;
    const ws = acceptWebSocket(ctx, compareVersions(ctx.version, '1.28') >= 0);
    cs.emit(c, 'attach');
    const abort = new AbortController();
    void ws.closed.then(() => abort.abort());
    if (stdin) void cs.attachStdin(c.id, ws.input).catch(() => undefined);
    else ws.input.resume();
    try {
      await pumpOutput(cs.attachOutput(c.id, { stdout, stderr, logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream'), signal: abort.signal }), ws, true);
    } finally {
      ws.end();
    }
  });

  r.add('GET', '/exec/:id/start/ws', async (ctx) => {
    const e = ex.get(ctx.params.id!);
    const tty = Boolean(e.config.Tty);
    const ws = acceptWebSocket(ctx, true);
    let exited: Promise<number>;
    try {
      ({ exited } = await ex.start(e.id, { tty }));
    } catch (err) {
      ws.write(Buffer.from(`${errorMessage(err)}\r\n`));
      ws.end();
      return;
    }
    if (e.config.AttachStdin) void ex.stdin(e.id, ws.input).catch(() => undefined);
    else ws.input.resume();
    try {
      await pumpOutput(ex.output(e.id, exited), ws, true);
    } finally {
      ws.end();
    }
  });
}
