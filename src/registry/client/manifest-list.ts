// `docker manifest`'s registry side: an image's manifest with its platform (read from its config),
// an index's entries, and pushing a manifest list built from entries (blobs mounted and manifests
// copied into the list's repository first when an entry lives in another one).
import { BerthError, NotFoundError } from '../../errors.js';
import type { Digest } from '../../oci/digest.js';
import { digestOf } from '../../oci/digest.js';
import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../../oci/image-spec.js';
import { MediaType, isIndexType } from '../../oci/media-types.js';
import { type Reference, formatReference } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import { startUpload, tryMount, uploadMonolithic } from './blob-upload.js';
import { getManifest, getSmallBlob, translatePullError } from './manifest-fetch.js';
import { isRegistryError } from './registry-error.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

/** One image of a manifest list: where it came from, its descriptor (with platform) and its bytes. */
export interface ManifestEntry {
  ref: Reference;
  descriptor: { mediaType: string; digest: Digest; size: number; platform?: Platform };
  raw: Buffer;
}

export interface RegistryAccess {
  hosts: RegistryHosts;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

const MAX_CONFIG_BYTES = 8 << 20;

/** docker's manifest commands say "no such manifest" for a reference the registry does not have. */
function manifestError(err: unknown, ref: Reference): unknown {
  if (isRegistryError(err) && err.status === 404) return new NotFoundError(`no such manifest: ${formatReference(ref)}`);
  return translatePullError(err, ref);
}

function clientFor(ref: Reference, a: RegistryAccess, push = false): RepositoryClient {
  return new RepositoryClient({ hosts: a.hosts, domain: ref.domain, path: ref.path, ...(a.auth ? { auth: a.auth } : {}), push });
}

/** The image `ref` names, its platform from its config; an index is refused as docker refuses it. */
export async function fetchImageEntry(ref: Reference, a: RegistryAccess): Promise<ManifestEntry> {
  const client = clientFor(ref, a);
  try {
    const m = await getManifest(client, ref.digest ?? ref.tag!, a.signal);
    if (isIndexType(m.mediaType)) throw new BerthError(`${formatReference(ref)} is a manifest list`);
    const config = JSON.parse((await getSmallBlob(client, (m.parsed as ImageManifest).config.digest, MAX_CONFIG_BYTES, a.signal)).toString('utf8')) as Partial<Platform> & { 'os.version'?: string; 'os.features'?: string[] };
    const platform: Platform = {
      architecture: config.architecture ?? '', os: config.os ?? '',
      ...(config['os.version'] ? { 'os.version': config['os.version'] } : {}),
      ...(config['os.features']?.length ? { 'os.features': config['os.features'] } : {}),
      ...(config.variant ? { variant: config.variant } : {}),
    };
    return { ref, descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, platform }, raw: m.bytes };
  } catch (err) {
    throw manifestError(err, ref);
  }
}

/** `ref` read as an image, or as a list: an index gives one entry per image (platforms from the index). */
export async function fetchEntries(ref: Reference, a: RegistryAccess): Promise<{ list: boolean; entries: ManifestEntry[] }> {
  const client = clientFor(ref, a);
  let m;
  try {
    m = await getManifest(client, ref.digest ?? ref.tag!, a.signal);
  } catch (err) {
    throw manifestError(err, ref);
  }
  if (!isIndexType(m.mediaType)) return { list: false, entries: [await fetchImageEntry(ref, a)] };
  const entries: ManifestEntry[] = [];
  for (const d of (m.parsed as ImageIndex).manifests) {
    const child = await getManifest(client, d.digest, a.signal);
    entries.push({ ref: { ...ref, digest: d.digest }, descriptor: { mediaType: child.mediaType, digest: d.digest, size: child.bytes.length, ...(d.platform ? { platform: d.platform } : {}) }, raw: child.bytes });
  }
  return { list: true, entries };
}

/**
 * The list docker builds: an OCI index when the first entry is an OCI manifest, else a Docker
 * manifest list; entries as {mediaType, size, digest, platform}, indented by three spaces.
 */
export function buildManifestList(target: Reference, entries: readonly ManifestEntry[]): { mediaType: string; bytes: Buffer } {
  const manifests = entries.map((e) => {
    if (e.ref.domain !== target.domain) throw new BerthError(`cannot use source images from a different registry than the target image: ${e.ref.domain} != ${target.domain}`);
    const p = e.descriptor.platform;
    return {
      mediaType: e.descriptor.mediaType, size: e.descriptor.size, digest: e.descriptor.digest,
      platform: {
        architecture: p?.architecture ?? '', os: p?.os ?? '',
        ...(p?.['os.version'] ? { 'os.version': p['os.version'] } : {}),
        ...(p?.['os.features']?.length ? { 'os.features': p['os.features'] } : {}),
        ...(p?.variant ? { variant: p.variant } : {}),
      },
    };
  });
  const mediaType = entries[0]?.descriptor.mediaType === MediaType.ociManifest ? MediaType.ociIndex : MediaType.dockerManifestList;
  return { mediaType, bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 3)) };
}

/** Copies a blob the registry would not mount: down from the source repository, up to the target. */
async function copyBlob(from: RepositoryClient, to: RepositoryClient, d: Descriptor, a: RegistryAccess): Promise<void> {
  const res = await from.call({ method: 'GET', path: `/v2/${from.path}/blobs/${d.digest}`, ...(a.signal ? { signal: a.signal } : {}) });
  const session = await startUpload(to, a.signal);
  await uploadMonolithic(to, session, d.digest, d.size, res.body, a.signal);
}

export interface PushListResult {
  /** Entries copied into the list's repository, as `target@digest` (docker prints each). */
  copied: Array<{ ref: string; digest: Digest }>;
  digest: Digest;
}

/** Pushes the list to `target` (entries from other repositories copied in first); returns its digest. */
export async function pushManifestList(target: Reference, entries: readonly ManifestEntry[], a: RegistryAccess): Promise<PushListResult> {
  for (const e of entries) {
    const p = e.descriptor.platform;
    if (!p?.architecture || !p.os) throw new BerthError(`manifest ${formatReference(e.ref)} must have an OS and Architecture to be pushed to a registry`);
  }
  const list = buildManifestList(target, entries);
  const to = clientFor(target, a, true);
  const copied: PushListResult['copied'] = [];
  for (const e of entries) {
    if (e.ref.path === target.path) continue;
    const from = clientFor(e.ref, a);
    const image = JSON.parse(e.raw.toString('utf8')) as ImageManifest;
    for (const blob of [image.config, ...image.layers]) {
      const { mountedFrom, session } = await tryMount(to, blob.digest, [e.ref.path], a.signal);
      if (mountedFrom) continue;
      if (session) {
        const res = await from.call({ method: 'GET', path: `/v2/${from.path}/blobs/${blob.digest}`, ...(a.signal ? { signal: a.signal } : {}) });
        await uploadMonolithic(to, session, blob.digest, blob.size, res.body, a.signal);
      } else await copyBlob(from, to, blob, a);
    }
    const put = await to.call({ method: 'PUT', path: `/v2/${target.path}/manifests/${e.descriptor.digest}`, headers: { 'content-type': e.descriptor.mediaType }, body: e.raw, ...(a.signal ? { signal: a.signal } : {}) }, [201]);
    await put.body.dump().catch(() => undefined);
    const { tag: _tag, ...repo } = target;
    copied.push({ ref: formatReference({ ...repo, digest: e.descriptor.digest }), digest: e.descriptor.digest });
  }
  const res = await to.call({ method: 'PUT', path: `/v2/${target.path}/manifests/${target.tag ?? target.digest}`, headers: { 'content-type': list.mediaType }, body: list.bytes, ...(a.signal ? { signal: a.signal } : {}) }, [201]);
  await res.body.dump().catch(() => undefined);
  return { copied, digest: digestOf(list.bytes) };
}
