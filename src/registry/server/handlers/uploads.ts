// Blob pushes: POST (start, monolithic, or cross-repository mount), PATCH (chunks), PUT (finish
// with digest verification), GET (status) and DELETE (cancel) on /v2/<name>/blobs/uploads/….
import { isDigest, type Digest } from '../../../oci/digest.js';
import { type Ctx, assertWritable, send } from '../context.js';
import { isRepositoryName } from '../names.js';
import { parseContentRange } from '../range.js';
import { RegistryError, digestInvalid } from '../registry-error.js';
import type { Route } from '../routes.js';
import { type UploadSession, rangeHeader, writeBody } from '../uploads.js';

type UploadsCtx = Ctx<Extract<Route, { kind: 'uploads' }>>;
type UploadCtx = Ctx<Extract<Route, { kind: 'upload' }>>;

function queryDigest(ctx: Ctx): Digest {
  const d = ctx.query.get('digest');
  if (d === null || !isDigest(d)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid or missing digest', { digest: d });
  return d;
}

function sessionHeaders(name: string, s: UploadSession): Record<string, string> {
  return {
    Location: `/v2/${name}/blobs/uploads/${s.id}`,
    Range: rangeHeader(s.offset),
    'Docker-Upload-UUID': s.id,
  };
}

function created(ctx: Ctx, name: string, digest: Digest): void {
  send(ctx, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

/** Has the request a body to read (a declared length or chunked encoding)? */
function hasBody(ctx: Ctx): boolean {
  const len = ctx.req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return ctx.req.headers['transfer-encoding'] !== undefined;
}

/** The `from` repository of a mount request, when it is one (its pull access is checked by the server). */
export function mountSource(ctx: Ctx): string | undefined {
  const from = ctx.query.get('from');
  return ctx.query.get('mount') !== null && from !== null && isRepositoryName(from) ? from : undefined;
}

export async function startUpload(ctx: UploadsCtx): Promise<void> {
  assertWritable(ctx);
  const { name } = ctx.route;
  const { storage, uploads, config } = ctx.registry;
  const mount = ctx.query.get('mount');
  const from = mountSource(ctx);
  if (mount !== null && from !== undefined && isDigest(mount)) {
    if (storage.meta.mount(name, from, mount) !== undefined) {
      created(ctx, name, mount);
      return;
    }
    // Not mountable: fall through to an ordinary upload session, as the spec asks.
  }
  if (ctx.query.get('digest') !== null) {
    const digest = queryDigest(ctx);
    const writer = await storage.uploadWriter({ expected: digest });
    try {
      ctx.bytesIn += await writeBody(ctx.req, writer, config.limits.maxBlobBytes > 0 ? config.limits.maxBlobBytes : Infinity);
    } catch (err) {
      await writer.abort();
      throw err;
    }
    await storage.commitWriter(writer, digest, name);
    created(ctx, name, digest);
    return;
  }
  const s = await uploads.create(name);
  send(ctx, 202, sessionHeaders(name, s));
}

export async function patchUpload(ctx: UploadCtx): Promise<void> {
  assertWritable(ctx);
  const { name, id } = ctx.route;
  const s = await ctx.registry.uploads.get(name, id);
  await appendChunk(ctx, s);
  send(ctx, 202, sessionHeaders(name, s));
}

/** Appends the request body, enforcing `Content-Range` order (416 when it does not continue the upload). */
async function appendChunk(ctx: UploadCtx, s: UploadSession): Promise<void> {
  const cr = parseContentRange(ctx.req.headers['content-range']);
  if (cr === 'invalid') throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', 'invalid Content-Range', undefined, sessionHeaders(ctx.route.name, s));
  if (cr !== undefined) {
    if (cr.start !== s.offset) {
      throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk out of order: upload is at offset ${s.offset}`, undefined, sessionHeaders(ctx.route.name, s));
    }
    const len = ctx.req.headers['content-length'];
    if (len !== undefined && Number(len) !== cr.end - cr.start + 1) {
      throw new RegistryError(400, 'SIZE_INVALID', 'Content-Length does not match Content-Range');
    }
  }
  const before = s.offset;
  try {
    await ctx.registry.uploads.append(s, ctx.req);
  } finally {
    ctx.bytesIn += s.offset - before;
  }
}

export async function finishUpload(ctx: UploadCtx): Promise<void> {
  assertWritable(ctx);
  const { name, id } = ctx.route;
  const digest = queryDigest(ctx);
  const s = await ctx.registry.uploads.get(name, id);
  if (hasBody(ctx)) await appendChunk(ctx, s);
  try {
    await ctx.registry.uploads.finish(s, digest);
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    if (err instanceof Error && err.name === 'DigestMismatchError') throw digestInvalid(err.message);
    throw err;
  }
  created(ctx, name, digest);
}

export async function uploadStatus(ctx: UploadCtx): Promise<void> {
  const s = await ctx.registry.uploads.get(ctx.route.name, ctx.route.id);
  send(ctx, 204, sessionHeaders(ctx.route.name, s));
}

export async function cancelUpload(ctx: UploadCtx): Promise<void> {
  assertWritable(ctx);
  const s = await ctx.registry.uploads.get(ctx.route.name, ctx.route.id);
  await ctx.registry.uploads.cancel(s);
  send(ctx, 204, {});
}
