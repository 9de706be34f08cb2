// Which repositories a blob is known to be in (learnt from pulls and pushes in this process), so a
// push to another repository of the same registry can ask for a cross-repository mount.
import type { Digest } from '../../oci/digest.js';

const MAX_BLOBS = 10_000;
const origins = new Map<Digest, Map<string, Set<string>>>();

export function recordBlobOrigin(digest: Digest, domain: string, path: string): void {
  let byDomain = origins.get(digest);
  if (!byDomain) {
    if (origins.size >= MAX_BLOBS) origins.delete(origins.keys().next().value as Digest);
    byDomain = new Map();
    origins.set(digest, byDomain);
  }
  let repos = byDomain.get(domain);
  if (!repos) byDomain.set(domain, (repos = new Set()));
  repos.add(path);
}

/** Repositories of `domain` known to hold `digest`, other than `exceptPath`. */
export function blobOrigins(digest: Digest, domain: string, exceptPath: string): string[] {
  return [...(origins.get(digest)?.get(domain) ?? [])].filter((p) => p !== exceptPath);
}
