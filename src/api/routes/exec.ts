// /containers/{id}/exec and /exec/… routes.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendEmpty, sendJson } from '../http/responses.js';
import { intParam, readJson } from '../http/request-body.js';
import { readJsonFromUpgrade } from '../http/upgrade-body.js';
import { withGoFieldNames } from '../http/go-field-names.js';
import { hijack, pumpOutput } from '../http/hijack.js';
import type { ExecConfig } from '../../container/exec-service.js';
import { errorMessage } from '../../errors.js';
import { compareVersions } from '../../engine-api-version.js';
import { frame, STREAM_STDOUT } from '../http/stream-frames.js';

const EXEC_CONFIG_FIELDS = [
  'AttachStdin', 'AttachStdout', 'AttachStderr', 'DetachKeys', 'Tty', 'Env', 'Cmd', 'Privileged', 'User', 'WorkingDir', 'ConsoleSize',
] as const;

export function execRoutes(r: Router, engine: Engine): void {
  const ex = engine.execs;
  r.add('POST', '/containers/:id/exec', async (ctx) => {
    const cfg = withGoFieldNames((await readJson<ExecConfig>(ctx.req, false))!, EXEC_CONFIG_FIELDS);
    sendJson(ctx.res!, 201, ex.create(ctx.params.id!, cfg));
  });

  r.add('POST', '/exec/:id/start', async (ctx) => {
    const body = (await readJsonFromUpgrade<{ Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null }>(ctx)) ?? {};
    const e = ex.get(ctx.params.id!);
    // Like dockerd: the start request's ConsoleSize only from API 1.42 and with Tty.
    const consoleSize = body.Tty && compareVersions(ctx.version, '1.42') >= 0 ? body.ConsoleSize : undefined;
    if (body.Detach) {
      await ex.start(e.id, { stdin: false, consoleSize });
      if (ctx.res) sendEmpty(ctx.res);
      else ctx.upgrade!.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    // dockerd frames the output unless the start request says Tty, whatever the exec was created with.
    const raw = Boolean(body.Tty);
    const h = await hijack(ctx, !raw);
    const say = (message: string): void => {
      const msg = Buffer.from(`${message}\r\n`);
      h.write(raw ? msg : frame(STREAM_STDOUT, msg));
    };
    let exited: Promise<number>;
    try {
      ({ exited } = await ex.start(e.id, { consoleSize }));
    } catch (err) {
      // Like dockerd: once hijacked, a start failure is written into the stream.
      say(errorMessage(err));
      h.end();
      return;
    }
    const gone = new AbortController();
    void h.closed.then(() => gone.abort());
    const streams = ex.attach(e.id, { stdin: h.input, exited, signal: gone.signal, raw });
    try {
      await pumpOutput(streams.output, h, raw);
      // dockerd reports a detach as a failed attach, in the stream.
      if (streams.detached()) say('exec attach failed: error on attach stdin: read escape sequence');
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
