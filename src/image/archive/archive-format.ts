// The facts of docker's image archive (`docker save` / `docker load`) shared by reader and writer.
// Legacy (docker ≤ 24): manifest.json, <v1 id>/layer.tar (+ VERSION, json), <config hex>.json,
// repositories. Docker 25+: an OCI image layout (oci-layout, index.json, blobs/<alg>/<hex>) with
// manifest.json and repositories beside it, its paths pointing into blobs/.
import type { Readable } from 'node:stream';
import type { Digest } from '../../oci/digest.js';

export const MANIFEST_FILE = 'manifest.json';
export const REPOSITORIES_FILE = 'repositories';
export const OCI_LAYOUT_FILE = 'oci-layout';
export const OCI_INDEX_FILE = 'index.json';
export const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';

/** index.json annotations docker and containerd put on each tagged manifest. */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** One element of manifest.json. */
export interface ManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, unknown>;
}

export type ArchiveCompression = 'none' | 'gzip' | 'zstd';

export interface ArchiveImage {
  /** Familiar references (`busybox:latest`). */
  repoTags: string[];
  configBytes: Buffer;
  /** Layer files, in order, as found in the archive (a layer may be compressed). */
  layers: Array<{ path: string; compression: ArchiveCompression }>;
}

export interface ReadArchiveResult {
  images: ArchiveImage[];
  /** Removes the unpacked archive. */
  cleanup(): Promise<void>;
}

export interface ImageToSave {
  /** Familiar references to record for the image (`busybox:latest`); may be empty. */
  repoTags: string[];
  config: { digest: Digest; bytes: Buffer };
  layers: Array<{ diffId: Digest; size: number; open(): Readable }>;
}

export function blobPath(digest: Digest): string {
  const i = digest.indexOf(':');
  return `blobs/${digest.slice(0, i)}/${digest.slice(i + 1)}`;
}
