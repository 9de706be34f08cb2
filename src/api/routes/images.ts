// /images/… routes: translation between HTTP and the image service, pull and push included (their
// progress goes to the client as docker's JSON messages, as it comes).
import type { Engine } from '../../daemon/engine.js';
import type { RequestContext, Router } from '../http/router.js';
import { SERVER_HEADERS, sendEmpty, sendJson } from '../http/responses.js';
import { boolParam } from '../http/request-body.js';
import { startJsonStream } from '../http/json-stream.js';
import { FilterArgs } from '../../filters/mod.js';
import { pruneImages } from '../../image/prune-images.js';
import { InvalidArgumentError, errorMessage } from '../../errors.js';
import { familiarString, parseReference, withDefaultTag } from '../../oci/reference.js';
import { decodeRegistryAuth, type AuthConfig } from '../../registry/client/auth-config.js';
import { errorProgressMessage } from '../../registry/client/progress-message.js';
import { requireImagePlatform } from '../../image/image-platform.js';
import { searchRegistry } from '../../registry/client/search.js';

export function imageRoutes(r: Router, engine: Engine): void {
  const im = engine.images;

  r.add('GET', '/images/json', (ctx) => {
    const containersOf = (id: string): number => engine.containers.store.list().filter((c) => c.imageId === id).length;
    sendJson(ctx.res!, 200, im.list({ all: boolParam(ctx.query, 'all'), filters: FilterArgs.parse(ctx.query.get('filters')), containersOf }));
  });

  r.add('POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    if (q.get('fromImage')) return pullRoute(ctx, engine);
    const src = q.get('fromSrc');
    if (!src) throw new InvalidArgumentError('Bad parameters: either fromImage or fromSrc is required');
    if (src !== '-') throw new InvalidArgumentError('importing from a URL is not supported here: download it and pipe it with `-`');
    const repo = q.get('repo') ?? '';
    const tag = q.get('tag') ?? '';
    const ref = repo ? parseReference(tag ? `${repo}:${tag}` : repo) : undefined;
    const changes = q.getAll('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim() !== '');
    const send = startJsonStream(ctx.res!);
    try {
      const rec = await im.importImage(ctx.req, { ...(ref ? { ref } : {}), changes, message: q.get('message') ?? '', source: '-' });
      send({ status: rec.id });
    } catch (err) {
      send({ errorDetail: { message: errorMessage(err) }, error: errorMessage(err) });
    }
    ctx.res!.end();
  });

  r.add('GET', '/images/get', async (ctx) => {
    const names = ctx.query.getAll('names').flatMap((n) => n.split(',')).filter(Boolean);
    for (const n of names) im.resolve(n);
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/x-tar' });
    await im.save(names, res);
  });

  r.add('POST', '/images/load', async (ctx) => {
    const quiet = boolParam(ctx.query, 'quiet');
    const send = startJsonStream(ctx.res!);
    try {
      const lines = await im.load(ctx.req);
      for (const l of lines) send({ stream: `${l}\n` });
    } catch (err) {
      send({ errorDetail: { message: errorMessage(err) }, error: errorMessage(err) });
    }
    void quiet;
    ctx.res!.end();
  });

  r.add('POST', '/images/prune', async (ctx) => {
    const inUse = (id: string): boolean => engine.containers.imageUser(id) !== undefined;
    sendJson(ctx.res!, 200, await pruneImages(im, FilterArgs.parse(ctx.query.get('filters')), inUse));
  });

  // Before the `:name*` routes, which would take `search` for an image name.
  r.add('GET', '/images/search', async (ctx) => {
    const q = ctx.query;
    const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
    const results = await searchRegistry({ term: q.get('term') ?? '', ...(limit !== undefined ? { limit } : {}), filters: FilterArgs.parse(q.get('filters')), hosts: engine.registryHosts, ...authOf(ctx) });
    sendJson(ctx.res!, 200, results);
  });
  r.add('GET', '/images/:name*/json', (ctx) => sendJson(ctx.res!, 200, im.inspect(ctx.params.name!)));
  r.add('GET', '/images/:name*/history', (ctx) => {
    requireImagePlatform(ctx.params.name!, im.inspect(ctx.params.name!), ctx.query.getAll('platform'));
    sendJson(ctx.res!, 200, im.history(ctx.params.name!));
  });
  r.add('GET', '/images/:name*/get', async (ctx) => {
    im.resolve(ctx.params.name!);
    ctx.res!.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/x-tar' });
    await im.save([ctx.params.name!], ctx.res!);
  });
  r.add('POST', '/images/:name*/tag', (ctx) => {
    const repo = ctx.query.get('repo');
    if (!repo) throw new InvalidArgumentError('repository name must have at least one component');
    im.tag(ctx.params.name!, repo, ctx.query.get('tag') || undefined);
    sendEmpty(ctx.res!, 201);
  });
  r.add('POST', '/images/:name*/push', (ctx) => pushRoute(ctx, engine));
  r.add('DELETE', '/images/:name*', async (ctx) => {
    requireImagePlatform(ctx.params.name!, im.inspect(ctx.params.name!), ctx.query.getAll('platforms'));
    sendJson(ctx.res!, 200, await im.remove(ctx.params.name!, { force: boolParam(ctx.query, 'force'), noprune: boolParam(ctx.query, 'noprune') }));
  });
}

function authOf(ctx: RequestContext): { auth?: AuthConfig } {
  const h = ctx.req.headers['x-registry-auth'];
  const auth = decodeRegistryAuth(Array.isArray(h) ? h[0] : h);
  return auth ? { auth } : {};
}

async function pullRoute(ctx: RequestContext, engine: Engine): Promise<void> {
  const q = ctx.query;
  const from = q.get('fromImage')!;
  const tag = q.get('tag');
  const ref = withDefaultTag(parseReference(tag && !from.includes('@') ? (/^sha256:/.test(tag) ? `${from}@${tag}` : `${from}:${tag}`) : from));
  // The stream starts with the first message, as dockerd's: a failure before it is an error reply.
  let send: ((m: object) => void) | undefined;
  const progress = (m: object): void => (send ??= startJsonStream(ctx.res!))(m);
  try {
    await engine.images.pull(ref, { ...authOf(ctx), ...(q.get('platform') ? { platform: q.get('platform')! } : {}), onProgress: progress });
  } catch (err) {
    if (!send) throw err;
    send(errorProgressMessage(err));
  }
  send ??= startJsonStream(ctx.res!);
  ctx.res!.end();
}

async function pushRoute(ctx: RequestContext, engine: Engine): Promise<void> {
  const name = ctx.params.name!;
  const tag = ctx.query.get('tag');
  const ref = withDefaultTag(parseReference(tag ? `${name}:${tag}` : name));
  // An unknown image is a 404 before the progress stream starts.
  engine.images.resolve(familiarString(ref));
  const send = startJsonStream(ctx.res!);
  try {
    await engine.images.push(ref, { ...authOf(ctx), onProgress: send });
  } catch (err) {
    send(errorProgressMessage(err));
  }
  ctx.res!.end();
}
