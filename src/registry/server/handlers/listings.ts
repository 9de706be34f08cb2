// Discovery: tags of a repository, the catalog of repositories, and a manifest's referrers.
import { isDigest } from '../../../oci/digest.js';
import { MediaType } from '../../../oci/media-types.js';
import { type Ctx, sendJson } from '../context.js';
import { RegistryError, nameUnknown } from '../registry-error.js';
import type { Route } from '../routes.js';

/** Reads `n` and `last`; n absent means everything. */
function page(ctx: Ctx): { n: number; last: string } {
  const rawN = ctx.query.get('n');
  let n = Number.MAX_SAFE_INTEGER;
  if (rawN !== null) {
    if (!/^\d+$/.test(rawN)) throw new RegistryError(400, 'UNSUPPORTED', 'n must be a non-negative integer', { n: rawN });
    n = Number(rawN);
  }
  return { n, last: ctx.query.get('last') ?? '' };
}

/** Lists one page; a `Link` header points at the next when there is more. */
function sendPage(ctx: Ctx, path: string, key: string, extra: Record<string, unknown>, n: number, fetch: (limit: number) => string[]): void {
  if (n === 0) {
    sendJson(ctx, 200, { ...extra, [key]: [] });
    return;
  }
  const items = fetch(Math.min(n, Number.MAX_SAFE_INTEGER - 1) + 1);
  const headers: Record<string, string> = {};
  if (items.length > n) {
    items.length = n;
    headers['Link'] = `<${path}?n=${n}&last=${encodeURIComponent(items[n - 1]!)}>; rel="next"`;
  }
  sendJson(ctx, 200, { ...extra, [key]: items }, headers);
}

export function listTags(ctx: Ctx<Extract<Route, { kind: 'tags' }>>): void {
  const { name } = ctx.route;
  const { meta } = ctx.registry.storage;
  if (!meta.repositoryExists(name)) throw nameUnknown(name);
  const { n, last } = page(ctx);
  sendPage(ctx, `/v2/${name}/tags/list`, 'tags', { name }, n, (limit) => meta.tags(name, last, limit));
}

export function listCatalog(ctx: Ctx<Extract<Route, { kind: 'catalog' }>>): void {
  const { meta } = ctx.registry.storage;
  const { n, last } = page(ctx);
  sendPage(ctx, '/v2/_catalog', 'repositories', {}, n, (limit) => meta.repositories(last, limit));
}

export function listReferrers(ctx: Ctx<Extract<Route, { kind: 'referrers' }>>): void {
  const { name, digest } = ctx.route;
  if (!isDigest(digest)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
  const filter = ctx.query.get('artifactType');
  let rows = ctx.registry.storage.meta.referrers(name, digest);
  if (filter !== null) rows = rows.filter((r) => r.artifactType === filter);
  const manifests = rows.map((r) => {
    const d: Record<string, unknown> = { mediaType: r.mediaType, digest: r.digest, size: r.size };
    if (r.artifactType !== undefined) d['artifactType'] = r.artifactType;
    if (r.annotations !== undefined) d['annotations'] = r.annotations;
    return d;
  });
  const body = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
  const headers: Record<string, string | number> = { 'Content-Type': MediaType.ociIndex };
  if (filter !== null) headers['OCI-Filters-Applied'] = 'artifactType';
  headers['Content-Length'] = Buffer.byteLength(body);
  ctx.res.writeHead(200, headers);
  ctx.bytesOut += Buffer.byteLength(body);
  ctx.res.end(body);
}
