// Manifests and small blobs (configs) from a repository, verified against their digests.
import { BerthError, NotFoundError } from '../../errors.js';
import { type Digest, digestOf, isDigest } from '../../oci/digest.js';
import type { ImageIndex, ImageManifest } from '../../oci/image-spec.js';
import { MediaType } from '../../oci/media-types.js';
import { type Reference, familiarName, familiarString } from '../../oci/reference.js';
import { parseFetchedManifest } from './manifest-shape.js';
import { formatErrcode, isRegistryError, registryError } from './registry-error.js';
import { header, type RegistryResponse, type RepositoryClient } from './repository-client.js';

/** Manifests above this size are refused (as containerd and docker do). */
const MAX_MANIFEST_BYTES = 4 << 20;

export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

export interface FetchedManifest {
  digest: Digest;
  mediaType: string;
  /** The exact bytes: what the digest is of, and what a push must send unchanged. */
  bytes: Buffer;
  parsed: ImageManifest | ImageIndex;
}

export async function readBodyLimited(res: RegistryResponse, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) {
      res.body.destroy();
      throw new BerthError(`${what} exceeds the ${limit}-byte limit`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** GET a manifest by tag or digest. */
export async function getManifest(client: RepositoryClient, tagOrDigest: string, signal?: AbortSignal): Promise<FetchedManifest> {
  const res = await client.call({ method: 'GET', path: `/v2/${client.path}/manifests/${tagOrDigest}`, headers: { accept: MANIFEST_ACCEPT }, signal });
  const bytes = await readBodyLimited(res, MAX_MANIFEST_BYTES, 'manifest');
  const digest = digestOf(bytes);
  if (isDigest(tagOrDigest) && digest !== tagOrDigest) {
    throw registryError(400, `manifest verification failed for digest ${tagOrDigest}`);
  }
  const { mediaType, parsed } = parseFetchedManifest(bytes, header(res, 'content-type') ?? '');
  return { digest, mediaType, bytes, parsed };
}

/** GET a small blob (a config) and verify it. */
export async function getSmallBlob(client: RepositoryClient, digest: Digest, limit: number, signal?: AbortSignal): Promise<Buffer> {
  const res = await client.call({ method: 'GET', path: `/v2/${client.path}/blobs/${digest}`, signal });
  const bytes = await readBodyLimited(res, limit, `blob ${digest}`);
  if (digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256') !== digest) {
    throw registryError(400, `image config verification failed for digest ${digest}`);
  }
  return bytes;
}

/** dockerd's wording for a failed manifest lookup (translatePullError). */
export function translatePullError(err: unknown, ref: Reference): unknown {
  if (!isRegistryError(err) || err.codes.length === 0) return err;
  const first = err.codes[0]!.code;
  const wrap = (prefix: string): NotFoundError => {
    // docker reports the first of several errors only.
    return registryError(404, `${prefix}: ${formatErrcode(err.codes[0]!)}`, err.codes) as NotFoundError;
  };
  if (first === 'DENIED') {
    return wrap(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login'`);
  }
  if (first === 'MANIFEST_UNKNOWN') return wrap(`manifest for ${familiarString(ref)} not found`);
  if (first === 'NAME_UNKNOWN') return wrap(`repository ${familiarName(ref)} not found`);
  return err;
}
