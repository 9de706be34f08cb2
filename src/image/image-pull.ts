// Pull's part below the image records: fetch the image from its registry (blobs into the content
// store, layers unpacked into snapshots as they download) and describe the layers it brought.
// ImageService.pull records the result.
import type { ContentStore } from '../content/content-store.js';
import type { Digest } from '../oci/digest.js';
import type { ImageConfig } from '../oci/image-spec.js';
import { parsePlatform } from '../oci/platform.js';
import { type Reference, familiarString } from '../oci/reference.js';
import type { AuthConfig } from '../registry/client/auth-config.js';
import { pullImage } from '../registry/client/pull-image.js';
import type { RegistryHosts } from '../registry/client/registry-hosts.js';
import type { LayerRecord } from './image-store.js';
import { type LayerStorage, chainIds } from './layer-unpack.js';
import { SnapshotLayerSink } from './snapshot-layer-sink.js';

export interface PullRequestOptions {
  auth?: AuthConfig;
  /** `os/arch[/variant]`; default: the host's. */
  platform?: string;
  /** Docker's JSON progress messages, as they come. */
  onProgress?: (m: object) => void;
}

export interface FetchImageDeps extends LayerStorage {
  content: ContentStore;
  registryHosts: RegistryHosts;
}

export interface FetchedImage {
  /** The reference pulled, tag defaulted. */
  ref: Reference;
  config: ImageConfig;
  layers: LayerRecord[];
  manifestDigest: Digest;
  /** `name@digest`, docker's RepoDigests entry. */
  repoDigest: string;
}

export async function fetchImage(
  deps: FetchImageDeps,
  ref: Reference,
  o: PullRequestOptions & {
    /** What the reference points at locally now ("Image is up to date"). */
    localDigest?: Digest;
    /** The size of a layer already stored (its snapshot was not unpacked again). */
    storedLayerSize?: (diffId: Digest) => number | undefined;
  },
): Promise<FetchedImage> {
  const sink = new SnapshotLayerSink(deps);
  const result = await pullImage({
    ref,
    store: deps.content,
    hosts: deps.registryHosts,
    layers: sink,
    ...(o.auth ? { auth: o.auth } : {}),
    ...(o.platform ? { platform: parsePlatform(o.platform) } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.localDigest ? { localDigest: o.localDigest } : {}),
  });
  const diffIds = result.config.rootfs?.diff_ids ?? [];
  const chains = chainIds(diffIds);
  const layers: LayerRecord[] = diffIds.map((diffId, i) => {
    const desc = result.manifest.layers[i]!;
    const size = sink.sizes.get(diffId) ?? o.storedLayerSize?.(diffId) ?? desc.size;
    return { diffId, chainId: chains[i]!, size, blob: { digest: desc.digest, mediaType: desc.mediaType, size: desc.size } };
  });
  return {
    ref: result.ref,
    config: result.config,
    layers,
    manifestDigest: result.manifestDigest,
    repoDigest: `${familiarString({ domain: result.ref.domain, path: result.ref.path })}@${result.digest}`,
  };
}
