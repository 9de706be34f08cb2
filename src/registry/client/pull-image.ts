// `docker pull`: resolve the reference, pick the platform's manifest from an index, fetch the
// config (so diffIDs are known), then download, verify and unpack the layers in parallel. Progress
// goes out as dockerd's JSON messages. Manifest, index and config blobs land in the content store;
// the image store records the image from the result (nothing here marks an image as present).
import type { ContentStore } from '../../content/content-store.js';
import { BerthError, InvalidArgumentError } from '../../errors.js';
import { type Digest, shortId } from '../../oci/digest.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../../oci/image-spec.js';
import { isIndexType, isLayerType } from '../../oci/media-types.js';
import { hostPlatform } from '../../oci/platform.js';
import { type Reference, familiarString, parseReference, withDefaultTag } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { fetchLayer } from './layer-download.js';
import type { LayerSink } from './layer-sink.js';
import { parseImageConfig } from './manifest-shape.js';
import { getManifest, getSmallBlob, translatePullError, type FetchedManifest } from './manifest-fetch.js';
import { layerMessage, statusMessage, type ProgressListener } from './progress-message.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';
import { noMatchingManifest, selectManifest } from './select-platform.js';

export interface PullOptions {
  ref: Reference | string;
  /** Default: the host's. */
  platform?: Platform;
  store: ContentStore;
  hosts: RegistryHosts;
  auth?: AuthConfig;
  layers: LayerSink;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Layers downloading at once (docker's max-concurrent-downloads, default 3). */
  maxConcurrentDownloads?: number;
  /** Extra attempts per layer after a network failure (default 2; each resumes with Range). */
  retries?: number;
  /** What the reference points at locally now, to say "Image is up to date" instead of "Downloaded newer image". */
  localDigest?: Digest;
}

export interface PullResult {
  /** The normalised reference pulled (tag defaulted to latest). */
  ref: Reference;
  /** The digest the reference resolved to: the index's when there is one, else the manifest's. */
  digest: Digest;
  manifestDigest: Digest;
  manifestMediaType: string;
  manifest: ImageManifest;
  manifestSize: number;
  configDigest: Digest;
  config: ImageConfig;
  indexDigest?: Digest;
  index?: ImageIndex;
  /** True when `localDigest` already matched. */
  upToDate: boolean;
}

/** Image configs are small; more than this is not one. */
export const MAX_CONFIG_BYTES = 8 << 20;

export function normalizePullRef(ref: Reference | string): Reference {
  return withDefaultTag(typeof ref === 'string' ? parseReference(ref) : ref);
}

export async function pullImage(opts: PullOptions): Promise<PullResult> {
  const ref = normalizePullRef(opts.ref);
  const emit: ProgressListener = opts.onProgress ?? (() => undefined);
  const platform = opts.platform ?? hostPlatform();
  const client = new RepositoryClient({ hosts: opts.hosts, domain: ref.domain, path: ref.path, auth: opts.auth });
  const tagOrDigest = ref.digest ?? ref.tag!;

  let top: FetchedManifest;
  try {
    top = await getManifest(client, tagOrDigest, opts.signal);
  } catch (err) {
    throw translatePullError(err, ref);
  }
  // After the manifest, as dockerd: a pull that fails before it says nothing, so the API can
  // still answer with an error status.
  emit(statusMessage(`Pulling from ${ref.path}`, tagOrDigest));
  let index: ImageIndex | undefined;
  let indexDigest: Digest | undefined;
  let fetched = top;
  if (isIndexType(top.mediaType)) {
    index = top.parsed as ImageIndex;
    indexDigest = top.digest;
    const chosen = selectManifest(index, platform);
    if (!chosen) throw noMatchingManifest(platform);
    try {
      fetched = await getManifest(client, chosen.digest, opts.signal);
    } catch (err) {
      throw translatePullError(err, ref);
    }
    if (isIndexType(fetched.mediaType)) throw new BerthError(`nested index ${chosen.digest} is not supported`);
  }
  const manifest = fetched.parsed as ImageManifest;

  const config = await fetchConfig(client, opts.store, manifest.config, opts.signal);
  const layers = manifest.layers.filter((l) => isLayerType(l.mediaType) || l.mediaType === '');
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (layers.length !== diffIds.length) throw new InvalidArgumentError('layers from manifest don\'t match image configuration');

  await pullLayers(opts, client, layers, diffIds, emit);

  // The manifest (and index) go in last: their presence is what says the image is complete.
  await opts.store.put(fetched.bytes, fetched.digest);
  if (index) await opts.store.put(top.bytes, top.digest);

  const digest = indexDigest ?? fetched.digest;
  const upToDate = opts.localDigest === digest;
  emit(statusMessage(`Digest: ${digest}`));
  emit(statusMessage(upToDate ? `Status: Image is up to date for ${familiarString(ref)}` : `Status: Downloaded newer image for ${familiarString(ref)}`));
  return {
    ref,
    digest,
    manifestDigest: fetched.digest,
    manifestMediaType: fetched.mediaType,
    manifest,
    manifestSize: fetched.bytes.length,
    configDigest: manifest.config.digest,
    config,
    ...(indexDigest ? { indexDigest, index } : {}),
    upToDate,
  };
}

async function fetchConfig(client: RepositoryClient, store: ContentStore, desc: Descriptor, signal?: AbortSignal): Promise<ImageConfig> {
  let bytes: Buffer;
  if (await store.info(desc.digest)) {
    bytes = await store.readBytes(desc.digest);
  } else {
    bytes = await getSmallBlob(client, desc.digest, MAX_CONFIG_BYTES, signal);
    await store.put(bytes, desc.digest);
  }
  return parseImageConfig(bytes, desc.digest);
}

async function pullLayers(opts: PullOptions, client: RepositoryClient, layers: Descriptor[], diffIds: Digest[], emit: ProgressListener): Promise<void> {
  const limit = new ConcurrencyLimit(opts.maxConcurrentDownloads ?? 3);
  await opts.layers.begin?.(diffIds);
  const present = await Promise.all(diffIds.map((d) => opts.layers.has(d)));
  const seen = new Set<string>();
  for (let i = 0; i < layers.length; i++) {
    const id = shortId(layers[i]!.digest);
    if (seen.has(id)) continue;
    seen.add(id);
    emit(layerMessage(present[i] ? 'Already exists' : 'Pulling fs layer', id));
  }
  const jobs = new Map<string, Promise<void>>();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let i = 0; i < layers.length; i++) {
      const desc = layers[i]!;
      const diffId = diffIds[i]!;
      if (present[i] || jobs.has(desc.digest)) continue;
      const id = shortId(desc.digest);
      if (limit.saturated) {
        emit(layerMessage('Waiting', id));
      }
      const p = limit.run(async () => {
        controller.signal.throwIfAborted();
        await fetchLayer({ client, store: opts.store, sink: opts.layers, desc, diffId, emit, signal: controller.signal, retries: opts.retries ?? 2 });
        emit(layerMessage('Pull complete', id));
      });
      // The first failure cancels the other layers of this pull (shared downloads go on for others).
      p.catch(() => controller.abort(new BerthError('pull cancelled')));
      jobs.set(desc.digest, p);
    }
    const results = await Promise.allSettled(jobs.values());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isCancel(r.reason));
    if (failed) throw failed.reason;
    const cancelled = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (cancelled) throw cancelled.reason;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function isCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.message === 'pull cancelled');
}
