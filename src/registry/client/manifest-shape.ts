// A manifest, index or config body from a registry → its typed form, its shape checked first:
// the rest of a pull uses descriptors' digests as content-store paths and URL parts, so a body
// that only looks like JSON of the right kind must not get that far. Errors are BerthErrors in
// docker's words where docker has them.
import { BerthError, InvalidArgumentError, errorMessage } from '../../errors.js';
import { type Digest, isDigest } from '../../oci/digest.js';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../../oci/image-spec.js';
import { MediaType, isIndexType, isManifestType } from '../../oci/media-types.js';

const SCHEMA1_TYPES = new Set(['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw new InvalidArgumentError(`${where}: not a descriptor`);
  // Required by the image spec; a pull reads it to tell layers from other blobs.
  if (typeof v['mediaType'] !== 'string') throw new InvalidArgumentError(`${where}: mediaType missing`);
  if (typeof v['digest'] !== 'string' || !isDigest(v['digest'])) throw new InvalidArgumentError(`${where}: invalid digest ${JSON.stringify(v['digest'])}`);
  if (typeof v['size'] !== 'number' || !Number.isSafeInteger(v['size']) || v['size'] < 0) throw new InvalidArgumentError(`${where}: invalid size`);
  if (v['platform'] !== undefined) {
    const p = v['platform'];
    if (!isObject(p) || typeof p['os'] !== 'string' || typeof p['architecture'] !== 'string' || (p['variant'] !== undefined && typeof p['variant'] !== 'string')) {
      throw new InvalidArgumentError(`${where}: invalid platform`);
    }
  }
  return v as unknown as Descriptor;
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new BerthError(`failed to parse ${what}: ${errorMessage(err)}`);
  }
}

/** A fetched manifest or index body with the response's Content-Type (may be empty). */
export function parseFetchedManifest(bytes: Buffer, contentType: string): { mediaType: string; parsed: ImageManifest | ImageIndex } {
  const doc = parseJson(bytes, 'manifest');
  if (!isObject(doc)) throw new BerthError('failed to parse manifest: not a JSON object');
  const ct = contentType.split(';')[0]!.trim();
  const bodyType = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : '';
  const mediaType = bodyType || ct || ('manifests' in doc ? MediaType.ociIndex : MediaType.ociManifest);
  if (SCHEMA1_TYPES.has(mediaType) || doc['schemaVersion'] === 1) {
    throw new BerthError('support Docker Image manifest version 2, schema 1 has been removed. More information at https://docs.docker.com/go/deprecated-image-specs/');
  }
  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc['manifests'])) throw new InvalidArgumentError('invalid index: manifests is not a list');
    doc['manifests'].forEach((d, i) => checkDescriptor(d, `invalid index: manifests[${i}]`));
  } else if (isManifestType(mediaType)) {
    if (doc['config'] === undefined || !Array.isArray(doc['layers'])) throw new BerthError('invalid manifest: no config or layers');
    checkDescriptor(doc['config'], 'invalid manifest: config');
    doc['layers'].forEach((d, i) => checkDescriptor(d, `invalid manifest: layers[${i}]`));
  } else {
    throw new BerthError(`unsupported manifest media type and no default available: ${mediaType}`);
  }
  return { mediaType, parsed: doc as unknown as ImageManifest | ImageIndex };
}

/** An image config blob; its diff IDs must be digests (they name snapshots and blobs later). */
export function parseImageConfig(bytes: Buffer, digest: Digest): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new BerthError(`failed to parse image config ${digest}: ${errorMessage(err)}`);
  }
  if (!isObject(doc)) throw new BerthError(`failed to parse image config ${digest}: not a JSON object`);
  const rootfs = doc['rootfs'];
  if (rootfs !== undefined && rootfs !== null) {
    const ids = isObject(rootfs) ? rootfs['diff_ids'] : undefined;
    if (ids !== undefined && ids !== null && (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d)))) {
      throw new InvalidArgumentError(`invalid image config ${digest}: rootfs.diff_ids must be digests`);
    }
    if (!isObject(rootfs)) throw new InvalidArgumentError(`invalid image config ${digest}: rootfs is not an object`);
  }
  return doc as unknown as ImageConfig;
}
