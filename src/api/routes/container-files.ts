// /containers/{id}/archive (docker cp), /changes (diff), /export, and /commit: translation only.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendEmpty, sendJson } from '../http/responses.js';
import { boolParam, readJson } from '../http/request-body.js';
import { InvalidArgumentError } from '../../errors.js';
import { ContainerFiles } from '../../container/archive-service.js';
import { pathStatHeader } from '../../container/archive-path-stat.js';
import { commitContainer } from '../../container/commit-container.js';
import type { ContainerConfig } from '../../oci/image-spec.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

export function containerFileRoutes(r: Router, engine: Engine): void {
  const files = new ContainerFiles(engine.containers, engine.volumes);

  const pathOf = (q: URLSearchParams): string => {
    const p = q.get('path');
    if (!p) throw new InvalidArgumentError('bad parameter: path cannot be empty');
    return p;
  };

  r.add('HEAD', '/containers/:id/archive', async (ctx) => {
    const st = await files.stat(ctx.params.id!, pathOf(ctx.query));
    ctx.res!.writeHead(200, { ...SERVER_HEADERS, [STAT_HEADER]: pathStatHeader(st), 'Content-Type': 'application/json' }).end();
  });

  r.add('GET', '/containers/:id/archive', async (ctx) => {
    const { stat, tar } = await files.get(ctx.params.id!, pathOf(ctx.query));
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, [STAT_HEADER]: pathStatHeader(stat), 'Content-Type': 'application/x-tar' });
    res.on('close', () => tar.destroy());
    tar.on('error', () => res.destroy());
    tar.pipe(res);
  });

  r.add('PUT', '/containers/:id/archive', async (ctx) => {
    await files.put(ctx.params.id!, pathOf(ctx.query), ctx.req, {
      noOverwriteDirNonDir: boolParam(ctx.query, 'noOverwriteDirNonDir'),
      copyUidGid: boolParam(ctx.query, 'copyUIDGID'),
    });
    sendEmpty(ctx.res!);
  });

  r.add('GET', '/containers/:id/changes', async (ctx) => {
    sendJson(ctx.res!, 200, await files.changes(ctx.params.id!));
  });

  r.add('GET', '/containers/:id/export', async (ctx) => {
    const tar = await files.export(ctx.params.id!);
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/octet-stream' });
    res.on('close', () => tar.destroy());
    tar.on('error', () => res.destroy());
    tar.pipe(res);
  });

  r.add('POST', '/commit', async (ctx) => {
    const q = ctx.query;
    const container = q.get('container');
    if (!container) throw new InvalidArgumentError('bad parameter: container cannot be empty');
    const body = await readJson<ContainerConfig>(ctx.req);
    const result = await commitContainer(engine.containers, container, {
      ...(q.get('repo') ? { repo: q.get('repo')! } : {}),
      ...(q.get('tag') ? { tag: q.get('tag')! } : {}),
      ...(q.get('comment') ? { comment: q.get('comment')! } : {}),
      ...(q.get('author') ? { author: q.get('author')! } : {}),
      pause: boolParam(q, 'pause', true),
      changes: q.getAll('changes'),
      ...(body ? { config: body } : {}),
    });
    sendJson(ctx.res!, 201, result);
  });
}
