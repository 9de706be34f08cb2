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
    // Refusals (bad detach keys) before the upgrade, as the hijacked attach does.
    const session = cs.attach(c.id, { stdin, stdout, stderr, logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream'), detachKeys: q.get('detachKeys') ?? '' });
    const ws = acceptWebSocket(ctx, compareVersions(ctx.version, '1.28') >= 0);
    cs.emit(c, 'attach');
    const gone = new AbortController();
    void ws.closed.then(() => gone.abort());
    try {
      // Raw bytes both ways, whatever the tty: docker never multiplexes a websocket.
      await pumpOutput(session.output(ws.input, gone.signal), ws, true);
    } finally {
      ws.end();
    }
  });

  r.add('GET', '/exec/:id/start/ws', async (ctx) => {
    const e = ex.get(ctx.params.id!);
    const ws = acceptWebSocket(ctx, true);
    let exited: Promise<number>;
    try {
      ({ exited } = await ex.start(e.id, {}));
    } catch (err) {
      ws.write(Buffer.from(`${errorMessage(err)}\r\n`));
      ws.end();
      return;
    }
    const gone = new AbortController();
    void ws.closed.then(() => gone.abort());
    const streams = ex.attach(e.id, { stdin: ws.input, exited, signal: gone.signal, raw: true });
    try {
      await pumpOutput(streams.output, ws, true);
    } finally {
      ws.end();
    }
  });
}
