// GET/HEAD/DELETE /v2/<name>/blobs/<digest>: blob bytes straight from the file, with Range.
import { open } from 'node:fs/promises';
import { isDigest, type Digest } from '../../../oci/digest.js';
import { isErrno } from '../../../errors.js';
import { type Ctx, assertWritable, send } from '../context.js';
import { sendFileRange } from '../file-sender.js';
import { parseRange } from '../range.js';
import { RegistryError, blobUnknown, unsupported } from '../registry-error.js';
import type { Route } from '../routes.js';

type BlobCtx = Ctx<Extract<Route, { kind: 'blob' }>>;

function digestParam(s: string): Digest {
  if (!isDigest(s)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest: s });
  return s;
}

export async function getBlob(ctx: BlobCtx): Promise<void> {
  const { name } = ctx.route;
  const digest = digestParam(ctx.route.digest);
  const { storage, proxy, config } = ctx.registry;
  let size = storage.statBlob(name, digest, config.gcGraceMs);
  if (size === undefined && proxy && (await proxy.fetchBlob(name, digest))) size = storage.statBlob(name, digest, config.gcGraceMs);
  if (size === undefined) throw blobUnknown(digest);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  };
  const range = parseRange(ctx.req.headers.range, size);
  if (range === 'unsatisfiable') {
    throw new RegistryError(416, 'RANGE_INVALID', 'requested range not satisfiable', undefined, { 'Content-Range': `bytes */${size}` });
  }
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': size });
    ctx.res.end();
    return;
  }
  let fh;
  try {
    fh = await open(storage.blobPath(digest), 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw blobUnknown(digest);
    throw err;
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  headers['Content-Length'] = end - start + 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  ctx.res.writeHead(range ? 206 : 200, headers);
  ctx.bytesOut += end - start + 1;
  if (size === 0) {
    await fh.close();
    ctx.res.end();
    return;
  }
  await sendFileRange(fh, start, end, ctx.res);
}

export async function deleteBlob(ctx: BlobCtx): Promise<void> {
  assertWritable(ctx);
  if (!ctx.registry.config.deleteEnabled) throw unsupported('deletes are disabled on this registry');
  const digest = digestParam(ctx.route.digest);
  if (!ctx.registry.storage.meta.unlinkBlob(ctx.route.name, digest)) throw blobUnknown(digest);
  send(ctx, 202, {});
}
