// Swarm-mode resources (swarm, nodes, services, tasks, secrets, configs), plugins and /session,
// answered as a dockerd that is in no swarm and has no plugins answers them: berth runs no swarm
// and loads no plugins. Requests are checked as dockerd checks them first (body JSON, `version`,
// filters), so clients see the same 400s; then docker's 503 or 404.
import { InvalidArgumentError, NotFoundError, NotImplementedError, UnavailableError } from '../../errors.js';
import { ACCEPTED_FILTERS, FilterArgs } from '../../filters/mod.js';
import { parseReference } from '../../oci/reference.js';
import type { RequestContext, Router } from '../http/router.js';
import { readJson } from '../http/request-body.js';
import { sendJson } from '../http/responses.js';

const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const NO_SWARM_MODE = 'swarm mode is not supported by berth';
const NO_PLUGINS = 'plugins are not supported by berth';

/** Swarm objects: every verb answers 503 outside a swarm, after docker's own request checks. */
const SWARM_OBJECTS: Array<{ path: string; kind: string; versionMessage: (v: string) => string }> = [
  { path: '/nodes', kind: 'node', versionMessage: (v) => uintMessage('node', v) },
  { path: '/services', kind: 'service', versionMessage: (v) => uintMessage('service', v) },
  { path: '/secrets', kind: 'secret', versionMessage: () => 'invalid secret version' },
  { path: '/configs', kind: 'config', versionMessage: () => 'invalid config version' },
];

export function swarmRoutes(r: Router): void {
  const notManager = (): never => {
    throw new UnavailableError(NOT_A_MANAGER);
  };
  const listing = (ctx: RequestContext): never => {
    FilterArgs.parse(ctx.query.get('filters'));
    return notManager();
  };

  r.add('GET', '/swarm', notManager);
  r.add('POST', '/swarm/init', async (ctx) => {
    const req = await readJson<{ ListenAddr?: string }>(ctx.req);
    checkListenAddr(req?.ListenAddr);
    throw new NotImplementedError(NO_SWARM_MODE);
  });
  r.add('POST', '/swarm/join', async (ctx) => {
    const req = await readJson<{ ListenAddr?: string; RemoteAddrs?: string[] }>(ctx.req);
    checkListenAddr(req?.ListenAddr);
    if (!req?.RemoteAddrs?.length) throw new InvalidArgumentError('at least 1 RemoteAddr is required to join');
    throw new NotImplementedError(NO_SWARM_MODE);
  });
  r.add('POST', '/swarm/leave', () => {
    throw new UnavailableError('This node is not part of a swarm');
  });
  r.add('POST', '/swarm/update', async (ctx) => {
    checkVersion(ctx, (v) => uintMessage('swarm', v));
    await readJson(ctx.req);
    notManager();
  });
  r.add('GET', '/swarm/unlockkey', notManager);
  r.add('POST', '/swarm/unlock', async (ctx) => {
    await readJson(ctx.req);
    notManager();
  });

  for (const o of SWARM_OBJECTS) {
    r.add('GET', o.path, listing);
    r.add('POST', `${o.path}/create`, async (ctx) => {
      await readJson(ctx.req);
      notManager();
    });
    r.add('GET', `${o.path}/:id`, notManager);
    r.add('DELETE', `${o.path}/:id`, notManager);
    r.add('POST', `${o.path}/:id/update`, async (ctx) => {
      checkVersion(ctx, o.versionMessage);
      await readJson(ctx.req);
      notManager();
    });
  }
  r.add('GET', '/services/:id/logs', notManager);
  r.add('GET', '/tasks', listing);
  r.add('GET', '/tasks/:id', notManager);
  r.add('GET', '/tasks/:id/logs', notManager);

  r.add('GET', '/plugins', (ctx) => {
    const filters = FilterArgs.parse(ctx.query.get('filters')).validate(ACCEPTED_FILTERS.pluginList);
    filters.bool('enabled', true);
    sendJson(ctx.res!, 200, []);
  });
  // Installing needs a plugin from a registry and a runtime for it: the reference is checked, then refused.
  const install = (ctx: RequestContext): never => {
    parseReference(ctx.query.get('remote') ?? '');
    throw new NotImplementedError(NO_PLUGINS);
  };
  r.add('GET', '/plugins/privileges', install);
  r.add('POST', '/plugins/pull', install);
  r.add('POST', '/plugins/create', () => {
    throw new NotImplementedError(NO_PLUGINS);
  });
  const noSuchPlugin = (ctx: RequestContext): never => {
    throw new NotFoundError(`plugin "${ctx.params.name}" not found`);
  };
  r.add('GET', '/plugins/:name*/json', noSuchPlugin);
  r.add('POST', '/plugins/:name*/enable', (ctx) => {
    const timeout = ctx.query.get('timeout');
    if (timeout && !/^[+-]?\d+$/.test(timeout)) throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(timeout)}: invalid syntax`);
    noSuchPlugin(ctx);
  });
  r.add('POST', '/plugins/:name*/disable', noSuchPlugin);
  r.add('POST', '/plugins/:name*/push', noSuchPlugin);
  r.add('POST', '/plugins/:name*/set', noSuchPlugin);
  r.add('POST', '/plugins/:name*/upgrade', (ctx) => {
    // docker looks the plugin up by its full name, tag included.
    const name = ctx.params.name!;
    throw new NotFoundError(`plugin "${/:[^/]*$/.test(name) || name.includes('@') ? name : `${name}:latest`}" not found`);
  });
  r.add('DELETE', '/plugins/:name*', noSuchPlugin);

  // BuildKit's session endpoint: dockerd wants an h2c upgrade; berth's builder needs no session.
  r.add('POST', '/session', (ctx) => {
    if (String(ctx.req.headers.upgrade ?? '').toLowerCase() !== 'h2c') throw new InvalidArgumentError('no upgrade proto in request');
    throw new NotImplementedError('BuildKit sessions are not supported by berth');
  });
}

function uintMessage(kind: string, v: string): string {
  return `invalid ${kind} version '${v}': strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`;
}

/** The object version an update names (`?version=`), a uint as docker requires. */
function checkVersion(ctx: RequestContext, message: (v: string) => string): void {
  const v = ctx.query.get('version') ?? '';
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(message(v));
}

function checkListenAddr(addr: string | undefined): void {
  if (!addr) throw new InvalidArgumentError(`invalid ListenAddr "${addr ?? ''}": invalid empty address`);
}
