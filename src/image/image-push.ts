// Push's part below the image records: a manifest for the image (made and stored once when it has
// none, layers gzipped), then the registry client's push of it. ImageService.push records the
// repo digest it got.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ContentStore } from '../content/content-store.js';
import { InvalidArgumentError } from '../errors.js';
import type { Digest } from '../oci/digest.js';
import type { Descriptor, ImageManifest } from '../oci/image-spec.js';
import { MediaType, layerCompression } from '../oci/media-types.js';
import type { Reference } from '../oci/reference.js';
import type { AuthConfig } from '../registry/client/auth-config.js';
import { pushImage } from '../registry/client/push-image.js';
import type { RegistryHosts } from '../registry/client/registry-hosts.js';
import type { ImageRecord, ImageStore, LayerRecord } from './image-store.js';

export interface PushRequestOptions {
  auth?: AuthConfig;
  /** Docker's JSON progress messages, as they come. */
  onProgress?: (m: object) => void;
}

/** What pushing needs of the image service. */
export interface PushSource {
  content: ContentStore;
  store: ImageStore;
  registryHosts: RegistryHosts;
  openLayerTar(layer: LayerRecord): Readable;
  configBytes(image: ImageRecord): Promise<Buffer>;
}

/** Builds (and stores) a manifest for an image that has none. */
export async function ensureManifest(src: PushSource, image: ImageRecord): Promise<{ digest: Digest; manifest: ImageManifest }> {
  if (image.manifestDigest && (await src.content.info(image.manifestDigest))) {
    const manifest = JSON.parse((await src.content.readBytes(image.manifestDigest)).toString('utf8')) as ImageManifest;
    if (manifest.config?.digest === image.id) return { digest: image.manifestDigest, manifest };
  }
  const configBytes = await src.configBytes(image);
  const layers: Descriptor[] = [];
  for (const l of image.layers) {
    if (l.blob && layerCompression(l.blob.mediaType) !== 'none') {
      layers.push({ mediaType: l.blob.mediaType, digest: l.blob.digest, size: l.blob.size });
      continue;
    }
    // Compress once, store, and reuse: the pushed digest stays stable across pushes.
    const writer = await src.content.writer();
    await pipeline(src.openLayerTar(l), createGzip({ level: 6 }), writer);
    const blob = await writer.commit();
    l.blob = { digest: blob.digest, mediaType: MediaType.ociLayerGzip, size: blob.size };
    layers.push({ mediaType: MediaType.ociLayerGzip, digest: blob.digest, size: blob.size });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: image.id, size: configBytes.length },
    layers,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const { digest } = await src.content.put(bytes);
  image.manifestDigest = digest;
  src.store.put(image);
  return { digest, manifest };
}

/** Pushes `image` as `ref`; returns the manifest digest the registry now has. */
export async function pushToRegistry(src: PushSource, image: ImageRecord, ref: Reference, o: PushRequestOptions): Promise<Digest> {
  const { digest } = await ensureManifest(src, image);
  await pushImage({
    ref,
    manifestDigest: digest,
    store: src.content,
    hosts: src.registryHosts,
    ...(o.auth ? { auth: o.auth } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    openLayer: (desc) => {
      const l = image.layers.find((x) => x.blob?.digest === desc.digest);
      if (!l) throw new InvalidArgumentError(`layer ${desc.digest} is not in this image`);
      return src.openLayerTar(l);
    },
  });
  return digest;
}
