// Validation of a pushed manifest: its media type, its JSON shape, and what it references.
import { isDigest, type Digest } from '../../oci/digest.js';
import { MediaType, isIndexType } from '../../oci/media-types.js';
import type { Descriptor } from '../../oci/image-spec.js';
import { RegistryError } from './registry-error.js';

export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
]);

export interface ParsedManifest {
  mediaType: string;
  artifactType?: string;
  subject?: Digest;
  annotations?: Record<string, string>;
  /** Blobs that must be present in the repository (config, layers). */
  blobs: Digest[];
  /** Manifests that must be present in the repository (an index's children). */
  manifests: Digest[];
  /** Referenced but not required here (foreign layers with URLs). */
  unchecked: Digest[];
  /** Children of an index with their platforms (for picking one for old clients). */
  children: Descriptor[];
}

function invalid(detail: string): RegistryError {
  return new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid', detail);
}

function descriptor(v: unknown, where: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw invalid(`${where}: not a descriptor`);
  const d = v as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string' || d['mediaType'] === '') throw invalid(`${where}: mediaType missing`);
  if (typeof d['digest'] !== 'string' || !isDigest(d['digest'])) throw invalid(`${where}: invalid digest`);
  if (typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0) throw invalid(`${where}: invalid size`);
  return d as unknown as Descriptor;
}

function stringMap(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${where}: not a map`);
  for (const x of Object.values(v)) if (typeof x !== 'string') throw invalid(`${where}: values must be strings`);
  return v as Record<string, string>;
}

/** Parses a manifest body; `contentType` is the request's Content-Type (may be empty). */
export function parseManifest(bytes: Buffer, contentType: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    doc = v as Record<string, unknown>;
  } catch {
    throw invalid('manifest is not a JSON object');
  }
  if (doc['schemaVersion'] !== 2) throw invalid('schemaVersion must be 2');
  const bodyType = typeof doc['mediaType'] === 'string' ? (doc['mediaType'] as string) : undefined;
  const ct = contentType.split(';')[0]!.trim();
  let mediaType = ct !== '' && ct !== 'application/json' && ct !== 'application/octet-stream' ? ct : bodyType;
  if (mediaType === undefined) mediaType = Array.isArray(doc['manifests']) ? MediaType.ociIndex : MediaType.ociManifest;
  if (!MANIFEST_MEDIA_TYPES.has(mediaType)) {
    throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid', `unsupported manifest media type ${mediaType}`);
  }
  if (bodyType !== undefined && bodyType !== mediaType) throw invalid(`mediaType ${bodyType} does not match Content-Type ${mediaType}`);

  const out: ParsedManifest = { mediaType, blobs: [], manifests: [], unchecked: [], children: [] };
  if (doc['artifactType'] !== undefined) {
    if (typeof doc['artifactType'] !== 'string') throw invalid('artifactType must be a string');
    out.artifactType = doc['artifactType'];
  }
  const ann = stringMap(doc['annotations'], 'annotations');
  if (ann) out.annotations = ann;
  if (doc['subject'] !== undefined) out.subject = descriptor(doc['subject'], 'subject').digest;

  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc['manifests'])) throw invalid('manifests must be an array');
    doc['manifests'].forEach((m, i) => {
      const d = descriptor(m, `manifests[${i}]`);
      out.manifests.push(d.digest);
      out.children.push(d);
    });
  } else {
    const config = descriptor(doc['config'], 'config');
    out.blobs.push(config.digest);
    if (!Array.isArray(doc['layers'])) throw invalid('layers must be an array');
    doc['layers'].forEach((l, i) => {
      const d = descriptor(l, `layers[${i}]`);
      // Layers that live elsewhere (foreign / non-distributable with URLs) need not be pushed here.
      if (Array.isArray(d.urls) && d.urls.length > 0) out.unchecked.push(d.digest);
      else out.blobs.push(d.digest);
    });
    if (out.artifactType === undefined && mediaType === MediaType.ociManifest) {
      // For referrers: an image manifest without artifactType is typed by its config.
      out.artifactType = config.mediaType;
    }
  }
  return out;
}
