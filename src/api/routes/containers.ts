// /containers/… routes: translation between HTTP and the container service.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../router.js';
import { SERVER_HEADERS, sendJson } from '../server.js';
import { boolParam, filtersParam, intParam, readJson, timeParam } from '../request-body.js';
import { hijack, pumpOutput } from '../hijack.js';
import { formatLogTime } from '../../container/log-file.js';
import { inspectContainer, matchContainerFilters, summarizeContainer } from '../../container/container-view.js';
import type { CreateRequest } from '../../container/container-service.js';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';

export function containerRoutes(r: Router, engine: Engine): void {
  const cs = engine.containers;

  r.add('POST', '/containers/create', async (ctx) => {
    const body = await readJson<CreateRequest>(ctx.req, false);
    const name = ctx.query.get('name') || undefined;
    const result = await cs.create(name, body!, ctx.query.get('platform') ?? undefined);
    sendJson(ctx.res!, 201, result);
  });

  r.add('GET', '/containers/json', (ctx) => {
    const all = boolParam(ctx.query, 'all');
    const limit = intParam(ctx.query, 'limit') ?? -1;
    const filters = filtersParam(ctx.query);
    let list = cs.store.list();
    list = list.filter((c) => all || limit > 0 || Object.keys(filters).length > 0 ? true : c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting');
    if (!all && Object.keys(filters).length > 0 && !filters.status && limit <= 0) list = list.filter((c) => c.state.Status === 'running' || c.state.Status === 'paused' || c.state.Status === 'restarting');
    list = list.filter((c) =>
      matchContainerFilters(c, filters, (x) => cs.store.find(x), (c2, ref) => {
        try {
          return engine.images.resolve(ref).id === c2.imageId;
        } catch {
          return false;
        }
      }),
    );
    list.sort((a, b) => (a.created < b.created ? 1 : -1));
    if (limit > 0) list = list.slice(0, limit);
    sendJson(ctx.res!, 200, list.map((c) => summarizeContainer(c, cs.isRunning(c) ? (engine.networks.portsOf(c.id) as unknown as Array<Record<string, unknown>>) : [])));
  });

  r.add('GET', '/containers/:id/json', (ctx) => {
    const c = cs.store.resolve(ctx.params.id!);
    const live = cs.isRunning(c) ? engine.networks.networkSettings(c.id) : undefined;
    if (live) c.networkSettings = live as unknown as Record<string, unknown>;
    sendJson(ctx.res!, 200, inspectContainer(c, { execIds: [...engine.execs.idsOf(c.id), ...engine.health.probeExecIds(c.id)] }));
  });

  r.add('POST', '/containers/:id/start', async (ctx) => {
    await cs.start(ctx.params.id!);
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/stop', async (ctx) => {
    const t = intParam(ctx.query, 't') ?? intParam(ctx.query, 'time');
    await cs.stop(ctx.params.id!, { ...(t !== undefined ? { timeout: t } : {}), ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}) });
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/restart', async (ctx) => {
    const t = intParam(ctx.query, 't');
    await cs.restart(ctx.params.id!, { ...(t !== undefined ? { timeout: t } : {}), ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}) });
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/kill', async (ctx) => {
    await cs.kill(ctx.params.id!, ctx.query.get('signal') || 'SIGKILL');
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/pause', async (ctx) => {
    await cs.pause(ctx.params.id!);
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/unpause', async (ctx) => {
    await cs.unpause(ctx.params.id!);
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('DELETE', '/containers/:id', async (ctx) => {
    await cs.remove(ctx.params.id!, { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v') });
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/rename', (ctx) => {
    const name = ctx.query.get('name');
    if (!name) throw new InvalidArgumentError('Neither old nor new names may be empty');
    cs.rename(ctx.params.id!, name);
    ctx.res!.writeHead(204, SERVER_HEADERS).end();
  });

  r.add('POST', '/containers/:id/wait', async (ctx) => {
    const condition = ctx.query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: "${condition}"`);
    cs.store.resolve(ctx.params.id!);
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
    cs.emit(cs.store.resolve(ctx.params.id!), 'resize', { height: String(height), width: String(width) });
    ctx.res!.writeHead(200, { ...SERVER_HEADERS, 'Content-Length': '0' }).end();
  });

  r.add('POST', '/containers/:id/attach', async (ctx) => {
    const c = cs.store.resolve(ctx.params.id!);
    const q = ctx.query;
    const tty = Boolean(c.config.Tty);
    const h = hijack(ctx, tty);
    cs.emit(c, 'attach');
    const abort = new AbortController();
    void h.closed.then(() => abort.abort());
    if (boolParam(q, 'stdin')) void cs.attachStdin(c.id, h.input).catch(() => undefined);
    else h.input.resume();
    try {
      await pumpOutput(
        cs.attachOutput(c.id, { stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'), logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream'), signal: abort.signal }),
        h,
        tty,
      );
    } finally {
      h.end();
    }
  });

  r.add('GET', '/containers/:id/logs', async (ctx) => {
    const c = cs.store.resolve(ctx.params.id!);
    const q = ctx.query;
    const stdout = boolParam(q, 'stdout');
    const stderr = boolParam(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
    const tailRaw = q.get('tail');
    const tail = tailRaw && tailRaw !== 'all' ? Number(tailRaw) : undefined;
    const since = timeParam(q, 'since');
    const until = timeParam(q, 'until');
    const tty = Boolean(c.config.Tty);
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    res.flushHeaders();
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    await pumpOutput(
      cs.logs(c.id, {
        stdout, stderr, follow: boolParam(q, 'follow'),
        ...(tail !== undefined && Number.isFinite(tail) ? { tail } : {}),
        ...(since !== undefined ? { sinceNano: since } : {}),
        ...(until !== undefined ? { untilNano: until } : {}),
        signal: abort.signal,
      }),
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
    const filters = filtersParam(ctx.query);
    const deleted: string[] = [];
    for (const c of cs.store.list()) {
      if (c.state.Status !== 'exited' && c.state.Status !== 'created' && c.state.Status !== 'dead') continue;
      if (!matchContainerFilters(c, Object.fromEntries(Object.entries(filters).filter(([k]) => k === 'label')), () => undefined, () => true)) continue;
      if (filters.until?.[0] && Date.parse(c.created) >= Date.parse(filters.until[0])) continue;
      try {
        await cs.remove(c.id);
        deleted.push(c.id);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    sendJson(ctx.res!, 200, { ContainersDeleted: deleted, SpaceReclaimed: 0 });
  });
}
