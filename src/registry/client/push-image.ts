// `docker push`: every blob of the image checked with HEAD first, mounted from another repository
// of the same registry where possible, else uploaded; then the manifest, sent byte for byte as
// stored so an image pulled from elsewhere keeps its digest. A layer whose compressed blob is
// missing (an image imported or built locally) is compressed on the fly by the image store's
// `openLayer`, kept in the content store, and the manifest rewritten with its new descriptor.
import { PassThrough, type Readable } from 'node:stream';
import type { ContentStore } from '../../content/content-store.js';
import { BerthError, NotFoundError } from '../../errors.js';
import { type Digest, Digester, digestOf, shortId } from '../../oci/digest.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../../oci/image-spec.js';
import { MediaType, isIndexType } from '../../oci/media-types.js';
import { type Reference, parseReference, repositoryName, withDefaultTag } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import { blobOrigins, recordBlobOrigin } from './blob-origins.js';
import { blobExists, byteCounter, startUpload, tryMount, uploadChunked, uploadMonolithic, uploadStreamed, type UploadSession } from './blob-upload.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { layerMessage, ProgressThrottle, pushAuxMessage, statusMessage, type ProgressListener } from './progress-message.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

export interface PushOptions {
  ref: Reference | string;
  /** The manifest or index to push; it and its blobs are read from `store`. */
  manifestDigest: Digest;
  store: ContentStore;
  hosts: RegistryHosts;
  auth?: AuthConfig;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** A layer's gzip-compressed tar when its blob is not in the store (supplied by the image store). */
  openLayer?: (desc: Descriptor) => Readable | Promise<Readable>;
  /** Repositories of the same registry to try mounting blobs from (besides those learnt in this process). */
  mountFrom?: string[];
  /** Blobs uploading at once (docker's max-concurrent-uploads, default 5). */
  maxConcurrentUploads?: number;
  /** Upload in PATCH chunks of this size; default one monolithic PUT per blob. */
  chunkSize?: number;
}

export interface PushResult {
  ref: Reference;
  digest: Digest;
  size: number;
  mediaType: string;
  /** Set when layers had to be compressed and the manifest was rewritten (it is stored too). */
  rewritten: boolean;
}

interface Ctx {
  opts: PushOptions;
  client: RepositoryClient;
  emit: ProgressListener;
  limit: ConcurrencyLimit;
  /** Uploads of the same blob (shared between manifests of an index) run once. */
  done: Map<Digest, Promise<Descriptor>>;
}

export async function pushImage(opts: PushOptions): Promise<PushResult> {
  const ref = withDefaultTag(typeof opts.ref === 'string' ? parseReference(opts.ref) : opts.ref);
  const emit = opts.onProgress ?? (() => undefined);
  const client = new RepositoryClient({ hosts: opts.hosts, domain: ref.domain, path: ref.path, auth: opts.auth, push: true });
  const ctx: Ctx = { opts, client, emit, limit: new ConcurrencyLimit(opts.maxConcurrentUploads ?? 5), done: new Map() };
  emit(statusMessage(`The push refers to repository [${repositoryName(ref)}]`));

  // Authenticate before any streamed body goes out (a stream cannot be sent twice).
  await client.prime(undefined, opts.signal);

  const bytes = await readContent(opts.store, opts.manifestDigest);
  const parsed = JSON.parse(bytes.toString('utf8')) as ImageManifest | ImageIndex;
  const mediaType = parsed.mediaType ?? ('manifests' in parsed ? MediaType.ociIndex : MediaType.ociManifest);
  let finalBytes: Buffer;
  let rewritten = false;
  if (isIndexType(mediaType)) {
    const index = parsed as ImageIndex;
    const children: Descriptor[] = [];
    for (const child of index.manifests) {
      const r = await pushManifest(ctx, child.digest, child.digest);
      children.push(r.digest === child.digest ? child : { ...child, digest: r.digest, size: r.size });
      rewritten ||= r.digest !== child.digest;
    }
    finalBytes = rewritten ? Buffer.from(JSON.stringify({ ...index, manifests: children })) : bytes;
    if (rewritten) await opts.store.put(finalBytes);
    await putManifest(ctx, ref.tag ?? digestOf(finalBytes), finalBytes, mediaType);
  } else {
    const r = await pushManifest(ctx, opts.manifestDigest, ref.tag ?? opts.manifestDigest);
    finalBytes = r.bytes;
    rewritten = r.digest !== opts.manifestDigest;
  }
  const digest = digestOf(finalBytes);
  const tag = ref.tag ?? '';
  emit(statusMessage(`${tag ? `${tag}: ` : ''}digest: ${digest} size: ${finalBytes.length}`));
  emit(pushAuxMessage(tag, digest, finalBytes.length));
  return { ref, digest, size: finalBytes.length, mediaType, rewritten };
}

async function readContent(store: ContentStore, digest: Digest): Promise<Buffer> {
  if (!(await store.info(digest))) throw new NotFoundError(`content digest ${digest}: not found`);
  return store.readBytes(digest);
}

/** Pushes one image manifest's blobs, then the manifest under `reference` (tag or digest). */
async function pushManifest(ctx: Ctx, digest: Digest, reference: string): Promise<{ digest: Digest; size: number; bytes: Buffer }> {
  const { opts, emit } = ctx;
  const bytes = await readContent(opts.store, digest);
  const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
  const mediaType = manifest.mediaType ?? MediaType.ociManifest;
  const configBytes = await readContent(opts.store, manifest.config.digest);
  const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  const diffIds = config.rootfs?.diff_ids ?? [];
  const ids = manifest.layers.map((l, i) => shortId(diffIds[i] ?? l.digest));
  const said = new Set<string>();
  for (const id of ids) if (!said.has(id)) (said.add(id), emit(layerMessage('Preparing', id)));
  const layers = await Promise.all(
    manifest.layers.map((desc, i) => {
      const id = ids[i]!;
      if (ctx.limit.saturated) emit(layerMessage('Waiting', id));
      return pushBlobOnce(ctx, desc, id);
    }),
  );
  await pushBlobOnce(ctx, manifest.config, undefined);
  const changed = layers.some((l, i) => l.digest !== manifest.layers[i]!.digest);
  let out = bytes;
  if (changed) {
    out = Buffer.from(JSON.stringify({ ...manifest, layers }));
    await opts.store.put(out);
  }
  const outDigest = digestOf(out);
  await putManifest(ctx, changed && reference === digest ? outDigest : reference, out, mediaType);
  return { digest: outDigest, size: out.length, bytes: out };
}

async function putManifest(ctx: Ctx, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
  const res = await ctx.client.call(
    { method: 'PUT', path: `/v2/${ctx.client.path}/manifests/${reference}`, headers: { 'content-type': mediaType }, body: bytes, signal: ctx.opts.signal },
    [201, 200, 202],
  );
  await res.body.dump().catch(() => undefined);
}

function pushBlobOnce(ctx: Ctx, desc: Descriptor, id: string | undefined): Promise<Descriptor> {
  let p = ctx.done.get(desc.digest);
  if (!p) {
    p = ctx.limit.run(() => pushBlob(ctx, desc, id));
    ctx.done.set(desc.digest, p);
  }
  return p;
}

async function pushBlob(ctx: Ctx, desc: Descriptor, id: string | undefined): Promise<Descriptor> {
  const { client, opts, emit } = ctx;
  const say = (status: string): void => {
    if (id) emit(layerMessage(status, id));
  };
  const present = await opts.store.info(desc.digest);
  if (!present) {
    if (!opts.openLayer || id === undefined) throw new NotFoundError(`content digest ${desc.digest}: not found`);
    return pushCompressedOnTheFly(ctx, desc, id);
  }
  if (await blobExists(client, desc.digest, opts.signal)) {
    say('Layer already exists');
    return desc;
  }
  const candidates = [...new Set([...blobOrigins(desc.digest, client.domain, client.path), ...(opts.mountFrom ?? [])])].filter((r) => r !== client.path);
  let session: UploadSession | undefined;
  if (candidates.length > 0) {
    const m = await tryMount(client, desc.digest, candidates, opts.signal);
    if (m.mountedFrom) {
      say(`Mounted from ${m.mountedFrom}`);
      recordBlobOrigin(desc.digest, client.domain, client.path);
      return desc;
    }
    session = m.session;
  }
  session ??= await startUpload(client, opts.signal);
  const throttle = new ProgressThrottle(emit);
  const counter = byteCounter((n) => id && throttle.bytes('Pushing', id, n, desc.size));
  const body = opts.store.reader(desc.digest).pipe(counter);
  if (opts.chunkSize) await uploadChunked(client, session, desc.digest, body, opts.chunkSize, opts.signal);
  else await uploadMonolithic(client, session, desc.digest, desc.size, body, opts.signal);
  say('Pushed');
  recordBlobOrigin(desc.digest, client.domain, client.path);
  return desc;
}

/** Compresses a layer (image store's gzip stream), keeping the result in the content store as it goes up. */
async function pushCompressedOnTheFly(ctx: Ctx, desc: Descriptor, id: string): Promise<Descriptor> {
  const { client, opts, emit } = ctx;
  const session = await startUpload(client, opts.signal);
  const source = await opts.openLayer!(desc);
  const writer = await opts.store.writer();
  const digester = new Digester();
  const throttle = new ProgressThrottle(emit);
  const hashing = byteCounter((n) => throttle.bytes('Pushing', id, n, 0));
  const upstream = new PassThrough({ highWaterMark: 1 << 20 });
  hashing.on('data', (chunk: Buffer) => digester.update(chunk));
  // One compressed stream, two destinations (pipe holds back for the slower one).
  source.on('error', (err) => hashing.destroy(err));
  hashing.on('error', (err) => upstream.destroy(err));
  source.pipe(hashing);
  hashing.pipe(writer);
  hashing.pipe(upstream);
  try {
    const digest = await uploadStreamed(client, session, upstream, async () => digester.digest(), opts.signal);
    const info = await writer.commit();
    if (info.digest !== digest) throw new BerthError(`layer ${id} changed while being pushed`);
    emit(layerMessage('Pushed', id));
    recordBlobOrigin(digest, client.domain, client.path);
    const mediaType = desc.mediaType.startsWith('application/vnd.oci.') ? MediaType.ociLayerGzip : MediaType.dockerLayerGzip;
    return { mediaType, digest, size: info.size };
  } catch (err) {
    source.destroy();
    await writer.abort();
    throw err;
  }
}
