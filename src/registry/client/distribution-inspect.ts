// `GET /distribution/{name}/json`: what a reference points at in its registry — the manifest or
// index descriptor and the platforms it serves (an index's entries, or a manifest's config).
import { isIndexType } from '../../oci/media-types.js';
import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../../oci/image-spec.js';
import type { Reference } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import { getManifest, getSmallBlob, translatePullError } from './manifest-fetch.js';
import { MAX_CONFIG_BYTES, normalizePullRef } from './pull-image.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

export interface DistributionInspect {
  Descriptor: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>;
  Platforms: Platform[];
}

export async function inspectDistribution(o: { ref: Reference | string; hosts: RegistryHosts; auth?: AuthConfig; signal?: AbortSignal }): Promise<DistributionInspect> {
  const ref = normalizePullRef(o.ref);
  const client = new RepositoryClient({ hosts: o.hosts, domain: ref.domain, path: ref.path, ...(o.auth ? { auth: o.auth } : {}) });
  try {
    const m = await getManifest(client, ref.digest ?? ref.tag!, o.signal);
    const Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (isIndexType(m.mediaType)) {
      return { Descriptor, Platforms: (m.parsed as ImageIndex).manifests.flatMap((d) => (d.platform ? [d.platform] : [])) };
    }
    const config = JSON.parse((await getSmallBlob(client, (m.parsed as ImageManifest).config.digest, MAX_CONFIG_BYTES, o.signal)).toString('utf8')) as Partial<Platform>;
    const platform: Platform = { architecture: config.architecture ?? '', os: config.os ?? '' };
    if (config.variant) platform.variant = config.variant;
    if (config['os.version']) platform['os.version'] = config['os.version'];
    if (config['os.features']) platform['os.features'] = config['os.features'];
    return { Descriptor, Platforms: [platform] };
  } catch (err) {
    throw translatePullError(err, ref);
  }
}
