// The image service: import, load/save, pull/push, tag, remove, inspect, history. It owns the image
// records (ImageStore), and uses the content store for blobs and the snapshotter for layers. The
// mechanics have files of their own: image-pull/-push, layer-ingest, layer-leases, image-view.
import type { Readable, Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import type { ContentStore } from '../content/content-store.js';
import type { Differ } from '../snapshot/differ.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { EventBus } from '../events/event-bus.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { type Digest, shortId } from '../oci/digest.js';
import type { ContainerConfig, ImageConfig } from '../oci/image-spec.js';
import { layerCompression } from '../oci/media-types.js';
import { hostPlatform } from '../oci/platform.js';
import { type Reference, familiarString, parseReference, withDefaultTag } from '../oci/reference.js';
import { type ImageRecord, type ImageStore, type LayerRecord, assertTagName } from './image-store.js';
import { chainIds } from './layer-unpack.js';
import { ingestLayer } from './layer-ingest.js';
import { applyConfigChanges } from './config-changes.js';
import { readImageArchive } from './archive/read-image-archive.js';
import { writeImageArchive } from './archive/write-image-archive.js';
import { createDecompressor } from '../registry/client/layer-decompress.js';
import { imageHistory, inspectImage } from './image-view.js';
import { type LayerLease, LayerLeases } from './layer-leases.js';
import { type PullRequestOptions, fetchImage } from './image-pull.js';
import { type PushRequestOptions, type PushSource, pushToRegistry } from './image-push.js';
import type { RegistryHosts } from '../registry/client/registry-hosts.js';
import { listImages, type ListImagesOptions } from './list-images.js';

export interface ImageServiceDeps {
  store: ImageStore;
  content: ContentStore;
  snapshots: Snapshotter;
  /** Writes layers into snapshots and diffs them out. */
  differ: Differ;
  events: EventBus;
  /** Where pull and push find registries (mirrors, insecure hosts). */
  registryHosts: RegistryHosts;
  /** Scratch space for load (same filesystem as the data root). */
  tmpDir: string;
  /** Which images containers use (rmi refuses those unless forced). */
  imageInUse: (id: Digest) => { running: boolean; containerId: string } | undefined;
}

export interface CommitImageOptions {
  config: ImageConfig;
  layers: LayerRecord[];
  tags?: Reference[];
  parent?: Digest;
  manifestDigest?: Digest;
  repoDigests?: string[];
}

const now = (): string => new Date().toISOString();

export class ImageService {
  constructor(readonly deps: ImageServiceDeps) {
    this.layerLeases = new LayerLeases(deps.store, deps.snapshots);
  }

  get store(): ImageStore {
    return this.deps.store;
  }

  resolve(nameOrId: string): ImageRecord {
    return this.deps.store.resolve(nameOrId).image;
  }

  /** Stores an image config + layer list as an image record and points tags at it. */
  async commitImage(o: CommitImageOptions): Promise<ImageRecord> {
    const configBytes = Buffer.from(JSON.stringify(o.config));
    const { digest: id } = await this.deps.content.put(configBytes);
    const existing = this.deps.store.get(id);
    const rec: ImageRecord = {
      id,
      config: o.config,
      layers: o.layers,
      repoDigests: [...new Set([...(existing?.repoDigests ?? []), ...(o.repoDigests ?? [])])],
      added: existing?.added ?? now(),
      ...(o.manifestDigest ?? existing?.manifestDigest ? { manifestDigest: o.manifestDigest ?? existing?.manifestDigest } : {}),
      ...(o.parent ? { parent: o.parent } : {}),
    };
    this.deps.store.put(rec);
    for (const t of o.tags ?? []) this.tagImage(id, t);
    return rec;
  }

  /** Points a tag at an image, emitting docker's `tag` event; the image it left may now be dangling. */
  tagImage(id: Digest, ref: Reference): void {
    if (ref.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    const full = withDefaultTag(ref);
    this.deps.store.tag(full, id);
    this.deps.events.emit('image', 'tag', id, { name: familiarString(full) });
  }

  /** Adds an uncompressed (or gzip) layer tar on top of `parent`: blob stored, snapshot committed. */
  addLayer(body: Readable, parent: Digest | undefined): Promise<LayerRecord> {
    return ingestLayer(this.deps, body, parent);
  }

  /** `docker import`: a rootfs tar becomes a one-layer image. */
  async importImage(body: Readable, o: { ref?: Reference; changes?: string[]; message?: string; platform?: string; source?: string }): Promise<ImageRecord> {
    const layer = await this.addLayer(body, undefined);
    const plat = hostPlatform();
    const created = now();
    const cfg: ContainerConfig = applyConfigChanges({}, o.changes ?? []);
    const config: ImageConfig = {
      architecture: plat.architecture,
      os: plat.os,
      ...(plat.variant ? { variant: plat.variant } : {}),
      created,
      config: cfg,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, created_by: '', comment: o.message || `Imported from ${o.source ?? '-'}` }],
      ...(o.message ? { comment: o.message } : {}),
    };
    const rec = await this.commitImage({ config, layers: [layer], tags: o.ref ? [o.ref] : [] });
    this.deps.events.emit('image', 'import', rec.id, o.ref ? { name: familiarString(withDefaultTag(o.ref)) } : {});
    return rec;
  }

  /** `docker load`: returns docker's "Loaded image: …" lines. */
  async load(body: Readable): Promise<string[]> {
    const archive = await readImageArchive(body, this.deps.tmpDir);
    const lines: string[] = [];
    try {
      for (const img of archive.images) {
        const config = JSON.parse(img.configBytes.toString('utf8')) as ImageConfig;
        const diffIds = config.rootfs?.diff_ids ?? [];
        if (diffIds.length !== img.layers.length) throw new InvalidArgumentError('invalid image archive: layer count does not match the config');
        const chains = chainIds(diffIds);
        const layers: LayerRecord[] = [];
        for (let i = 0; i < img.layers.length; i++) {
          const l = img.layers[i]!;
          const existing = this.findLayer(chains[i]!);
          if (existing) {
            layers.push(existing);
            continue;
          }
          const rec = await this.addLayer(createReadStream(l.path), i > 0 ? chains[i - 1] : undefined);
          if (rec.diffId !== diffIds[i]) throw new InvalidArgumentError(`invalid image archive: layer ${i} has diffID ${rec.diffId}, config says ${diffIds[i]}`);
          layers.push(rec);
        }
        const rec = await this.commitImage({ config, layers });
        this.deps.content.put(img.configBytes).catch(() => undefined);
        const tags = img.repoTags.map((t) => parseReference(t));
        for (const t of tags) {
          this.tagImage(rec.id, t);
          lines.push(`Loaded image: ${familiarString(withDefaultTag(t))}`);
        }
        if (tags.length === 0) lines.push(`Loaded image ID: ${rec.id}`);
        this.deps.events.emit('image', 'load', rec.id, {});
      }
    } finally {
      await archive.cleanup();
    }
    return lines;
  }

  /** A layer record already stored under this chain ID (by any image). */
  private findLayer(chainId: Digest): LayerRecord | undefined {
    for (const img of this.deps.store.list()) {
      const l = img.layers.find((x) => x.chainId === chainId);
      if (l) return l;
    }
    return undefined;
  }

  /** The uncompressed tar of a stored layer. */
  openLayerTar(layer: LayerRecord): Readable {
    if (!layer.blob) throw new NotFoundError(`layer ${layer.diffId} has no stored blob`);
    const raw = this.deps.content.reader(layer.blob.digest);
    const c = layerCompression(layer.blob.mediaType);
    return c === 'none' ? raw : raw.pipe(createDecompressor(c));
  }

  /** `docker save`: images by name or ID into docker's archive format. */
  async save(names: string[], out: Writable): Promise<void> {
    const items = names.map((n) => {
      const { image, ref } = this.deps.store.resolve(n);
      const isId = !ref || n.replace(/^sha256:/, '').length >= 1 && image.id.includes(n.replace(/^sha256:/, '')) && !n.includes(':') && /^[a-f0-9]+$/.test(n);
      return { image, repoTags: isId ? [] : ref ? [familiarString(ref)] : [] };
    });
    const byId = new Map<Digest, { image: ImageRecord; repoTags: string[] }>();
    for (const it of items) {
      const e = byId.get(it.image.id);
      if (e) e.repoTags.push(...it.repoTags);
      else byId.set(it.image.id, { image: it.image, repoTags: [...it.repoTags] });
    }
    const images = await Promise.all(
      [...byId.values()].map(async ({ image, repoTags }) => ({
        repoTags,
        config: { digest: image.id, bytes: await this.configBytes(image) },
        layers: image.layers.map((l) => ({ diffId: l.diffId, size: l.size, open: () => this.openLayerTar(l) })),
      })),
    );
    await writeImageArchive(images, out);
  }

  async configBytes(image: ImageRecord): Promise<Buffer> {
    try {
      return await this.deps.content.readBytes(image.id);
    } catch {
      return Buffer.from(JSON.stringify(image.config));
    }
  }

  /** `docker tag SOURCE TARGET`. */
  tag(source: string, repo: string, tag?: string): void {
    const image = this.resolve(source);
    if (tag) assertTagName(tag);
    const ref = parseReference(tag ? `${repo}:${tag}` : repo);
    this.tagImage(image.id, ref);
  }

  /** `docker rmi`: docker's list of {Untagged}/{Deleted} entries. */
  async remove(nameOrId: string, o: { force?: boolean; noprune?: boolean } = {}): Promise<Array<{ Untagged?: string; Deleted?: string }>> {
    const { image, ref } = this.deps.store.resolve(nameOrId);
    const out: Array<{ Untagged?: string; Deleted?: string }> = [];
    const tags = this.deps.store.tagsOf(image.id);
    const byName = ref !== undefined && !/^[a-f0-9]{1,64}$/.test(nameOrId) && !nameOrId.startsWith('sha256:');
    const user = this.deps.imageInUse(image.id);
    if (byName && (tags.length > 1 || (ref && ref.digest))) {
      // Removing one of several names only untags.
      if (ref.digest) {
        image.repoDigests = image.repoDigests.filter((d) => !d.endsWith(`@${ref.digest}`));
        this.deps.store.put(image);
        out.push({ Untagged: familiarString(ref) });
        if (tags.length > 0 || image.repoDigests.length > 0) return out;
      } else {
        this.deps.store.untag(ref);
        out.push({ Untagged: familiarString(ref) });
        this.deps.events.emit('image', 'untag', image.id, { name: familiarString(ref) });
        return out;
      }
    }
    if (user && !o.force) {
      const what = byName ? `reference ${familiarString(ref!)}` : shortId(image.id);
      throw new ConflictError(
        user.running
          ? `conflict: unable to delete ${what} (cannot be forced) - image is being used by running container ${shortId(user.containerId)}`
          : `conflict: unable to remove repository reference "${byName ? familiarString(ref!) : nameOrId}" (must force) - container ${shortId(user.containerId)} is using its referenced image ${shortId(image.id)}`,
      );
    }
    if (user?.running) {
      throw new ConflictError(`conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image is being used by running container ${shortId(user.containerId)}`);
    }
    if (!byName && tags.length > 1 && !o.force) {
      throw new ConflictError(`conflict: unable to delete ${shortId(image.id)} (must be forced) - image is referenced in multiple repositories`);
    }
    for (const t of tags) {
      this.deps.store.untag(t);
      out.push({ Untagged: familiarString(t) });
      this.deps.events.emit('image', 'untag', image.id, { name: familiarString(t) });
    }
    for (const d of image.repoDigests) out.push({ Untagged: d });
    if (user) return out; // forced removal of an image a stopped container uses: keep the layers (docker does the same)
    this.deps.store.delete(image.id);
    out.push({ Deleted: image.id });
    this.deps.events.emit('image', 'delete', image.id, {});
    if (!o.noprune) await this.pruneLayers();
    return out;
  }

  private readonly layerLeases: LayerLeases;

  /** Keeps layers from pruneLayers while a job that is about to use them runs (see LayerLeases). */
  leaseLayers(): LayerLease {
    return this.layerLeases.take();
  }

  /** Removes layer snapshots no image uses any more, except leased ones. */
  pruneLayers(): Promise<void> {
    return this.layerLeases.prune();
  }

  /** Docker's ImageInspect JSON. */
  inspect(nameOrId: string): Record<string, unknown> {
    const image = this.resolve(nameOrId);
    return inspectImage(image, this.tagNames(image.id));
  }

  private tagNames(id: Digest): string[] {
    return this.deps.store.tagsOf(id).map((t) => familiarString(t));
  }

  /** Docker's ImageSummary list for `GET /images/json` (the rules: list-images.ts). */
  list(o: ListImagesOptions): Array<Record<string, unknown>> {
    return listImages(this.deps.store, o);
  }

  /** Docker's history: newest first. */
  history(nameOrId: string): Array<Record<string, unknown>> {
    const image = this.resolve(nameOrId);
    return imageHistory(image, this.tagNames(image.id));
  }

  /** The chain ID of the image's top layer (parent for a container's snapshot), if it has layers. */
  topChainId(image: ImageRecord): Digest | undefined {
    return image.layers[image.layers.length - 1]?.chainId;
  }

  /** `docker pull`: fetches `ref` (blobs, layers) and records the image under its tag and repo digest. */
  async pull(ref: Reference, o: PullRequestOptions = {}): Promise<void> {
    const local = this.deps.store.find(familiarString(withDefaultTag(ref)));
    const storedLayerSize = (diffId: Digest): number | undefined => this.deps.store.list().flatMap((im) => im.layers).find((l) => l.diffId === diffId)?.size;
    const pulled = await fetchImage(this.deps, ref, { ...o, storedLayerSize, ...(local?.image.manifestDigest ? { localDigest: local.image.manifestDigest } : {}) });
    const rec = await this.commitImage({ config: pulled.config, layers: pulled.layers, manifestDigest: pulled.manifestDigest, repoDigests: [pulled.repoDigest] });
    if (!pulled.ref.digest) this.tagImage(rec.id, pulled.ref);
    const name = familiarString(pulled.ref);
    this.deps.events.emit('image', 'pull', name, { name });
  }

  /** `docker push`: pushes the image `ref` names and records the repo digest the registry gave it. */
  async push(ref: Reference, o: PushRequestOptions = {}): Promise<void> {
    const image = this.resolve(familiarString(ref));
    const source: PushSource = { ...this.deps, openLayerTar: (l) => this.openLayerTar(l), configBytes: (i) => this.configBytes(i) };
    const digest = await pushToRegistry(source, image, ref, o);
    const repoDigest = `${familiarString({ domain: ref.domain, path: ref.path })}@${digest}`;
    if (!image.repoDigests.includes(repoDigest)) {
      image.repoDigests.push(repoDigest);
      this.deps.store.put(image);
    }
    const name = familiarString(ref);
    this.deps.events.emit('image', 'push', name, { name });
  }

  /** Every image's record. */
  records(): ImageRecord[] {
    return this.deps.store.list();
  }

  /** The image with this ID, if stored. */
  byId(id: Digest): ImageRecord | undefined {
    return this.deps.store.get(id);
  }
}

