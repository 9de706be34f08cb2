// /containers/… routes: translation between HTTP and the container service.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendEmpty, sendJson, sendNoContent } from '../http/responses.js';
import { boolParam, intParam, readJson } from '../http/request-body.js';
import { hijack, pumpOutput, sendStreamError, streamMediaType } from '../http/hijack.js';
import { logParams } from '../http/log-params.js';
import { formatLogTime } from '../../container/log-file.js';
import { inspectContainer, summarizeContainer } from '../../container/container-view.js';
import { listContainers } from '../../container/list-containers.js';
import { pruneContainers } from '../../container/prune-containers.js';
import { FilterArgs } from '../../filters/mod.js';
import type { CreateRequest } from '../../container/container-service.js';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';

export function containerRoutes(r: Router, engine: Engine): void {
  const cs = engine.containers;

  r.add('POST', '/containers/create', async (ctx) => {
    const body = await readJson<CreateRequest>(ctx.req, false);
    const name = ctx.query.get('name') || undefined;
    // berth's extension: `?pod=NAME` makes a member of that pod (docs/pods.md).
    const pod = ctx.query.get('pod');
    const result = pod ? await engine.pods.createContainer(pod, name, body!) : await cs.create(name, body!, ctx.query.get('platform') ?? undefined);
    sendJson(ctx.res!, 201, result);
  });

  r.add('GET', '/containers/json', (ctx) => {
    const filters = FilterArgs.parse(ctx.query.get('filters'));
    const list = listContainers(cs, engine.images, { all: boolParam(ctx.query, 'all'), limit: intParam(ctx.query, 'limit') ?? -1, filters });
    sendJson(ctx.res!, 200, list.map((c) => summarizeContainer(c, cs.isRunning(c) ? (engine.networks.portsOf(c.id) as unknown as Array<Record<string, unknown>>) : [])));
  });

  r.add('GET', '/containers/:id/json', (ctx) => {
    const c = cs.resolve(ctx.params.id!);
    const live = cs.isRunning(c) ? engine.networks.networkSettings(c.id) : undefined;
    if (live) c.networkSettings = live as unknown as Record<string, unknown>;
    sendJson(ctx.res!, 200, inspectContainer(c, { execIds: [...engine.execs.idsOf(c.id), ...engine.health.probeExecIds(c.id)] }));
  });

  r.add('POST', '/containers/:id/start', async (ctx) => {
    await cs.start(ctx.params.id!);
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/stop', async (ctx) => {
    const t = intParam(ctx.query, 't') ?? intParam(ctx.query, 'time');
    await cs.stop(ctx.params.id!, { ...(t !== undefined ? { timeout: t } : {}), ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}) });
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/restart', async (ctx) => {
    const t = intParam(ctx.query, 't');
    await cs.restart(ctx.params.id!, { ...(t !== undefined ? { timeout: t } : {}), ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}) });
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/kill', async (ctx) => {
    await cs.kill(ctx.params.id!, ctx.query.get('signal') || 'SIGKILL');
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/pause', async (ctx) => {
    await cs.pause(ctx.params.id!);
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/unpause', async (ctx) => {
    await cs.unpause(ctx.params.id!);
    sendNoContent(ctx.res!);
  });

  // `?link=1` removes a legacy link `<parent>/<alias>`; without it such a name is no container.
  r.add('DELETE', '/containers/:id/:alias', async (ctx) => {
    const name = `${ctx.params.id!}/${ctx.params.alias!}`;
    if (!boolParam(ctx.query, 'link')) throw new NotFoundError(`No such container: ${name}`);
    await cs.removeLink(name);
    sendNoContent(ctx.res!);
  });

  r.add('DELETE', '/containers/:id', async (ctx) => {
    if (boolParam(ctx.query, 'link')) {
      await cs.removeLink(ctx.params.id!);
      sendNoContent(ctx.res!);
      return;
    }
    await cs.remove(ctx.params.id!, { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v') });
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/rename', (ctx) => {
    const name = ctx.query.get('name');
    if (!name) throw new InvalidArgumentError('Neither old nor new names may be empty');
    cs.rename(ctx.params.id!, name);
    sendNoContent(ctx.res!);
  });

  r.add('POST', '/containers/:id/wait', async (ctx) => {
    const condition = ctx.query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: "${condition}"`);
    cs.resolve(ctx.params.id!);
    const result = cs.wait(ctx.params.id!, condition);
    // Headers go out now: the client (docker run) starts the container only after they arrive.
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
    res.flushHeaders();
    try {
      res.end(JSON.stringify(await result) + '\n');
    } catch (err) {
      res.end(JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } }) + '\n');
    }
  });

  r.add('POST', '/containers/:id/resize', async (ctx) => {
    const height = intParam(ctx.query, 'h') ?? 24;
    const width = intParam(ctx.query, 'w') ?? 80;
    await cs.resize(ctx.params.id!, height, width);
    cs.emit(cs.resolve(ctx.params.id!), 'resize', { height: String(height), width: String(width) });
    sendEmpty(ctx.res!);
  });

  r.add('POST', '/containers/:id/attach', async (ctx) => {
    const q = ctx.query;
    let session;
    try {
      session = cs.attach(ctx.params.id!, {
        stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'),
        logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream'), detachKeys: q.get('detachKeys') ?? '',
      });
    } catch (err) {
      sendStreamError(ctx, err);
      return;
    }
    const h = await hijack(ctx, !session.tty);
    const gone = new AbortController();
    void h.closed.then(() => gone.abort());
    try {
      await pumpOutput(session.output(h.input, gone.signal), h, session.tty);
    } finally {
      h.end();
    }
  });

  r.add('GET', '/containers/:id/logs', async (ctx) => {
    const c = cs.resolve(ctx.params.id!);
    const q = ctx.query;
    const params = logParams(q);
    const tty = Boolean(c.config.Tty);
    const res = ctx.res!;
    const abort = new AbortController();
    const entries = cs.logs(c.id, { ...params, signal: abort.signal });
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': streamMediaType(ctx.version, !tty) });
    res.flushHeaders();
    res.on('close', () => abort.abort());
    await pumpOutput(
      entries,
      res,
      tty,
      boolParam(q, 'timestamps'),
      formatLogTime,
    );
    res.end();
  });

  r.add('GET', '/containers/:id/top', async (ctx) => {
    sendJson(ctx.res!, 200, await cs.top(ctx.params.id!, ctx.query.get('ps_args') || undefined));
  });

  r.add('POST', '/containers/prune', async (ctx) => {
    sendJson(ctx.res!, 200, await pruneContainers(cs, FilterArgs.parse(ctx.query.get('filters'))));
  });
}
