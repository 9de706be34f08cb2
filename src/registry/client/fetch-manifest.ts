// `berth manifest inspect`: the manifest or index a reference points at, raw and parsed.
import type { Digest } from '../../oci/digest.js';
import type { ImageIndex, ImageManifest } from '../../oci/image-spec.js';
import type { Reference } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import { getManifest, translatePullError } from './manifest-fetch.js';
import { normalizePullRef } from './pull-image.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

export interface FetchManifestOptions {
  ref: Reference | string;
  hosts: RegistryHosts;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

export interface ManifestInfo {
  ref: Reference;
  digest: Digest;
  mediaType: string;
  /** The exact bytes the registry served. */
  bytes: Buffer;
  manifest: ImageManifest | ImageIndex;
}

export async function fetchManifest(opts: FetchManifestOptions): Promise<ManifestInfo> {
  const ref = normalizePullRef(opts.ref);
  const client = new RepositoryClient({ hosts: opts.hosts, domain: ref.domain, path: ref.path, auth: opts.auth });
  try {
    const m = await getManifest(client, ref.digest ?? ref.tag!, opts.signal);
    return { ref, digest: m.digest, mediaType: m.mediaType, bytes: m.bytes, manifest: m.parsed };
  } catch (err) {
    throw translatePullError(err, ref);
  }
}
