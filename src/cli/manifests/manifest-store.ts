// docker's local manifest lists (`~/.docker/manifests`): one directory per list, one file per image,
// names made file-safe (`:` → `-`, `/` → `_`), each file docker's ImageManifest JSON (Ref,
// Descriptor, Raw as base64, the manifest itself for inspection). Lists made by either CLI work in both.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, isErrno } from '../../errors.js';
import { MediaType } from '../../oci/media-types.js';
import { type Reference, formatReference, parseReference } from '../../oci/reference.js';
import type { ManifestEntry } from '../../registry/client/manifest-list.js';
import { writeFileAtomic } from '../../fsutil/atomic-write.js';
import { configDirOf } from '../contexts/context-store.js';

/** docker's ImageManifest as it is stored and printed by `manifest inspect -v`. */
export interface ImageManifestJson {
  Ref: string;
  Descriptor: { mediaType: string; digest: string; size: number; platform?: Record<string, unknown> };
  Raw: string;
  SchemaV2Manifest?: unknown;
  OCIManifest?: unknown;
}

const filesafe = (ref: string): string => ref.replace(/:/g, '-').replace(/\//g, '_');

export function toManifestJson(e: ManifestEntry): ImageManifestJson {
  const parsed = JSON.parse(e.raw.toString('utf8')) as unknown;
  const d = e.descriptor;
  return {
    Ref: formatReference(e.ref),
    Descriptor: { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(d.platform ? { platform: { ...d.platform } } : {}) },
    Raw: e.raw.toString('base64'),
    ...(d.mediaType === MediaType.ociManifest ? { OCIManifest: parsed } : { SchemaV2Manifest: parsed }),
  };
}

function fromManifestJson(j: ImageManifestJson): ManifestEntry {
  const p = j.Descriptor.platform as ManifestEntry['descriptor']['platform'];
  return {
    ref: parseReference(j.Ref),
    descriptor: { mediaType: j.Descriptor.mediaType, digest: j.Descriptor.digest as ManifestEntry['descriptor']['digest'], size: j.Descriptor.size, ...(p ? { platform: p } : {}) },
    raw: Buffer.from(j.Raw, 'base64'),
  };
}

export class ManifestStore {
  constructor(readonly root: string) {}

  static of(configDir: string | undefined): ManifestStore {
    return new ManifestStore(join(configDirOf(configDir), 'manifests'));
  }

  private dir(list: Reference): string {
    return join(this.root, filesafe(formatReference(list)));
  }

  /** The stored image `ref` of `list`, or undefined. */
  async get(list: Reference, ref: Reference): Promise<ManifestEntry | undefined> {
    try {
      return fromManifestJson(JSON.parse(await readFile(join(this.dir(list), filesafe(formatReference(ref))), 'utf8')) as ImageManifestJson);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** Every image of `list`; docker's "No such manifest" when there is no such list. */
  async getList(list: Reference): Promise<ManifestEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir(list))).sort();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`No such manifest: ${formatReference(list)}`);
      throw err;
    }
    return Promise.all(names.map(async (n) => fromManifestJson(JSON.parse(await readFile(join(this.dir(list), n), 'utf8')) as ImageManifestJson)));
  }

  async save(list: Reference, entry: ManifestEntry): Promise<void> {
    await mkdir(this.dir(list), { recursive: true });
    await writeFileAtomic(join(this.dir(list), filesafe(formatReference(entry.ref))), JSON.stringify(toManifestJson(entry)));
  }

  async remove(list: Reference): Promise<void> {
    await rm(this.dir(list), { recursive: true, force: true });
  }
}
