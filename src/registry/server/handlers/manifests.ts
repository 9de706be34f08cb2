// GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>. The GET path is kept short: tag and
// manifest come from memory after the first request.
import { digestOf, isDigest, digestAlgorithm, type Digest } from '../../../oci/digest.js';
import { MediaType, isIndexType } from '../../../oci/media-types.js';
import { type Ctx, assertWritable, readBody, send } from '../context.js';
import { parseManifest } from '../manifest-parse.js';
import { isTag } from '../names.js';
import { RegistryError, manifestUnknown, unsupported } from '../registry-error.js';
import type { Route } from '../routes.js';
import type { StoredManifest } from '../storage.js';

type ManifestCtx = Ctx<Extract<Route, { kind: 'manifest' }>>;

function invalidReference(ref: string): RegistryError {
  return new RegistryError(400, 'MANIFEST_INVALID', 'invalid reference: not a tag or a digest', { reference: ref });
}

async function resolve(ctx: ManifestCtx): Promise<StoredManifest | undefined> {
  const { name, ref } = ctx.route;
  const { storage, proxy } = ctx.registry;
  if (isDigest(ref)) {
    const m = await storage.manifest(name, ref);
    if (m || !proxy) return m;
    const d = await proxy.fetchManifest(name, ref);
    return d ? storage.manifest(name, d) : undefined;
  }
  if (!isTag(ref)) throw invalidReference(ref);
  let digest = storage.resolveTag(name, ref);
  if (proxy && (digest === undefined || proxy.tagIsStale(name, ref))) {
    try {
      digest = (await proxy.fetchManifest(name, ref)) ?? digest;
    } catch (err) {
      if (digest === undefined) throw err; // upstream down: serve what is cached
    }
  }
  return digest === undefined ? undefined : storage.manifest(name, digest);
}

/** Media types the client's Accept headers list, or undefined when it accepts anything. */
function accepted(ctx: Ctx): Set<string> | undefined {
  const raw = ctx.req.headersDistinct['accept'];
  if (!raw) return undefined;
  const set = new Set<string>();
  for (const h of raw) for (const part of h.split(',')) set.add(part.split(';')[0]!.trim());
  if (set.has('*/*') || set.size === 0) return undefined;
  return set;
}

/**
 * What to serve to a client that does not accept the stored type: for a manifest list, its
 * linux/amd64 image (what old docker clients expect); an OCI type the client cannot read is unknown.
 */
async function negotiate(ctx: ManifestCtx, m: StoredManifest): Promise<StoredManifest> {
  const acc = accepted(ctx);
  if (!acc || acc.has(m.row.mediaType)) return m;
  if (m.row.mediaType === MediaType.dockerManifest) return m; // every client reads schema 2
  if (isIndexType(m.row.mediaType)) {
    const doc = JSON.parse(m.bytes.toString('utf8')) as { manifests?: Array<{ digest: Digest; mediaType: string; platform?: { os?: string; architecture?: string } }> };
    const pick = doc.manifests?.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64' && acc.has(d.mediaType));
    const child = pick ? await ctx.registry.storage.manifest(ctx.route.name, pick.digest) : undefined;
    if (child) return child;
  }
  throw new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest of type ${m.row.mediaType} found, but the Accept header does not allow it`, { reference: ctx.route.ref });
}

export async function getManifest(ctx: ManifestCtx): Promise<void> {
  let m = await resolve(ctx);
  if (!m) throw manifestUnknown(ctx.route.ref);
  m = await negotiate(ctx, m);
  const headers: Record<string, string | number> = {
    'Content-Type': m.row.mediaType,
    'Docker-Content-Digest': m.row.digest,
    ETag: `"${m.row.digest}"`,
  };
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': m.bytes.length });
    ctx.res.end();
    return;
  }
  send(ctx, 200, headers, m.bytes);
}

export async function putManifest(ctx: ManifestCtx): Promise<void> {
  assertWritable(ctx);
  const { name, ref } = ctx.route;
  const refIsDigest = isDigest(ref);
  if (!refIsDigest && !isTag(ref)) throw invalidReference(ref);
  const bytes = await readBody(ctx, ctx.registry.config.limits.maxManifestBytes);
  const parsed = parseManifest(bytes, String(ctx.req.headers['content-type'] ?? ''));
  const digest = digestOf(bytes, refIsDigest ? digestAlgorithm(ref) : 'sha256');
  if (refIsDigest && digest !== ref) {
    throw new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', { expected: ref, actual: digest });
  }
  await ctx.registry.storage.putManifest(
    {
      repo: name, digest, mediaType: parsed.mediaType, size: bytes.length,
      artifactType: parsed.artifactType, subject: parsed.subject, annotations: parsed.annotations,
    },
    bytes,
    { blobs: parsed.blobs, manifests: parsed.manifests, unchecked: parsed.unchecked },
    refIsDigest ? undefined : ref,
  );
  const headers: Record<string, string> = { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest };
  if (parsed.subject) headers['OCI-Subject'] = parsed.subject;
  send(ctx, 201, headers);
}

export async function deleteManifest(ctx: ManifestCtx): Promise<void> {
  assertWritable(ctx);
  if (!ctx.registry.config.deleteEnabled) throw unsupported('deletes are disabled on this registry');
  const { name, ref } = ctx.route;
  const { storage } = ctx.registry;
  if (isDigest(ref)) {
    if (!storage.deleteManifest(name, ref)) throw manifestUnknown(ref);
  } else {
    if (!isTag(ref)) throw invalidReference(ref);
    if (!storage.deleteTag(name, ref)) throw manifestUnknown(ref);
  }
  send(ctx, 202, {});
}
