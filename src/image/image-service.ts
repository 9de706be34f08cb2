// The image service: import, load/save, pull/push, tag, remove, inspect, history. It owns the image
// records (ImageStore), and uses the content store for blobs and the snapshotter for layers.
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import type { LocalContentStore } from '../content/local-store.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { EventBus } from '../events/event-bus.js';
import { ConflictError, InvalidArgumentError, NotFoundError, errorMessage } from '../errors.js';
import { type Digest, digestOf, shortId } from '../oci/digest.js';
import type { ContainerConfig, Descriptor, ImageConfig, ImageManifest } from '../oci/image-spec.js';
import { MediaType, layerCompression } from '../oci/media-types.js';
import { hostPlatform } from '../oci/platform.js';
import { type Reference, familiarName, familiarString, formatReference, parseReference, withDefaultTag } from '../oci/reference.js';
import { type ImageRecord, type ImageStore, type LayerRecord, assertTagName } from './image-store.js';
import { chainIds, unpackLayer } from './layer-unpack.js';
import { applyConfigChanges } from './config-changes.js';
import { readImageArchive } from './archive/read-image-archive.js';
import { writeImageArchive } from './archive/write-image-archive.js';
import { createDecompressor } from '../registry/client/layer-decompress.js';
import { sniffCompression } from './sniff-compression.js';
import { listImages, type ListImagesOptions } from './list-images.js';

export interface ImageServiceDeps {
  store: ImageStore;
  content: LocalContentStore;
  snapshots: Snapshotter;
  events: EventBus;
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
  constructor(readonly deps: ImageServiceDeps) {}

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
  async addLayer(body: Readable, parent: Digest | undefined): Promise<LayerRecord> {
    const tar = await sniffAndDecompress(body);
    const writer = await this.deps.content.writer();
    const toBlob = new PassThrough({ highWaterMark: 1 << 20 });
    const toApply = new PassThrough({ highWaterMark: 1 << 20 });
    tar.on('data', (chunk: Buffer) => {
      const a = toBlob.write(chunk);
      const b = toApply.write(chunk);
      if (!a || !b) {
        tar.pause();
        let waiting = (a ? 0 : 1) + (b ? 0 : 1);
        const resume = (): void => {
          if (--waiting === 0) tar.resume();
        };
        if (!a) toBlob.once('drain', resume);
        if (!b) toApply.once('drain', resume);
      }
    });
    tar.on('end', () => {
      toBlob.end();
      toApply.end();
    });
    tar.on('error', (err) => {
      toBlob.destroy(err);
      toApply.destroy(err);
    });
    try {
      const [, unpacked] = await Promise.all([pipeline(toBlob, writer), unpackLayer(this.deps.snapshots, toApply, parent)]);
      const blob = await writer.commit();
      return { diffId: unpacked.diffId, chainId: unpacked.chainId, size: unpacked.size, blob: { digest: blob.digest, mediaType: MediaType.ociLayer, size: blob.size } };
    } catch (err) {
      await writer.abort();
      throw err;
    }
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

  private readonly leases = new Set<{ since: number; chainIds: Set<string> }>();

  /**
   * Keeps layers from pruneLayers while a job that is about to use them runs (a build: its base
   * image's layers, the cached layers it reuses, the layers it makes before an image owns them):
   * the chain IDs added to the lease, and every snapshot made since the lease began. Release it
   * when the job ends; layers no image uses are then prunable again.
   */
  leaseLayers(): { add(chainIds: Iterable<string>): void; release(): void } {
    // A second's margin: snapshot times may be stored coarser than the clock.
    const lease = { since: Date.now() - 1000, chainIds: new Set<string>() };
    this.leases.add(lease);
    return {
      add: (ids) => {
        for (const id of ids) lease.chainIds.add(id);
      },
      release: () => void this.leases.delete(lease),
    };
  }

  private leased(s: { name: string; created: Date }): boolean {
    for (const l of this.leases) if (l.chainIds.has(s.name) || s.created.getTime() >= l.since) return true;
    return false;
  }

  /** Removes layer snapshots no image uses any more (children first), except leased ones. */
  async pruneLayers(): Promise<void> {
    const used = new Set<string>();
    for (const img of this.deps.store.list()) for (const l of img.layers) used.add(l.chainId);
    const all = await this.deps.snapshots.list();
    const layerSnaps = all.filter((s) => s.kind === 'committed' && !used.has(s.name) && !this.leased(s));
    const byName = new Map(layerSnaps.map((s) => [s.name, s]));
    let progress = true;
    const left = new Set(layerSnaps.map((s) => s.name));
    while (progress && left.size > 0) {
      progress = false;
      for (const name of [...left]) {
        // Looked at again right before removing: a lease may have been taken meanwhile.
        if (this.leased(byName.get(name)!)) {
          left.delete(name);
          continue;
        }
        try {
          await this.deps.snapshots.remove(name);
          left.delete(name);
          progress = true;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
      }
    }
    for (const img of this.deps.store.list()) void img;
  }

  /** Docker's ImageInspect JSON. */
  inspect(nameOrId: string): Record<string, unknown> {
    const image = this.resolve(nameOrId);
    const tags = this.deps.store.tagsOf(image.id).map((t) => familiarString(t));
    const c = image.config;
    return {
      Id: image.id,
      RepoTags: tags,
      RepoDigests: image.repoDigests,
      Parent: image.parent ?? '',
      Comment: c.comment ?? c.history?.[c.history.length - 1]?.comment ?? '',
      Created: c.created ?? '0001-01-01T00:00:00Z',
      DockerVersion: c.docker_version ?? '',
      Author: c.author ?? '',
      Config: imageContainerConfig(c.config),
      Architecture: c.architecture,
      ...(c.variant ? { Variant: c.variant } : {}),
      Os: c.os,
      Size: imageSize(image),
      GraphDriver: { Name: 'overlay2', Data: null },
      RootFS: { Type: 'layers', Layers: c.rootfs?.diff_ids ?? [] },
      Metadata: { LastTagTime: image.added },
    };
  }

  /** Docker's ImageSummary list for `GET /images/json` (the rules: list-images.ts). */
  list(o: ListImagesOptions): Array<Record<string, unknown>> {
    return listImages(this.deps.store, o);
  }

  /** Docker's history: newest first. */
  history(nameOrId: string): Array<Record<string, unknown>> {
    const image = this.resolve(nameOrId);
    const hist = image.config.history ?? [];
    const tags = this.deps.store.tagsOf(image.id).map((t) => familiarString(t));
    let layerIdx = 0;
    const rows = hist.map((h) => {
      const size = h.empty_layer ? 0 : (image.layers[layerIdx++]?.size ?? 0);
      return { Id: '<missing>', Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0, CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
    });
    if (rows.length === 0) rows.push({ Id: '<missing>', Created: 0, CreatedBy: '', Tags: null, Size: imageSize(image), Comment: '' });
    rows.reverse();
    rows[0]!.Id = image.id;
    rows[0]!.Tags = tags;
    return rows;
  }

  /** The chain ID of the image's top layer (parent for a container's snapshot), if it has layers. */
  topChainId(image: ImageRecord): Digest | undefined {
    return image.layers[image.layers.length - 1]?.chainId;
  }

  /** Builds (and stores) a manifest for an image that has none, for push. */
  async ensureManifest(image: ImageRecord): Promise<{ digest: Digest; manifest: ImageManifest }> {
    if (image.manifestDigest && (await this.deps.content.info(image.manifestDigest))) {
      const manifest = JSON.parse((await this.deps.content.readBytes(image.manifestDigest)).toString('utf8')) as ImageManifest;
      if (manifest.config?.digest === image.id) return { digest: image.manifestDigest, manifest };
    }
    const configBytes = await this.configBytes(image);
    const layers: Descriptor[] = [];
    for (const l of image.layers) {
      if (l.blob && layerCompression(l.blob.mediaType) !== 'none') {
        layers.push({ mediaType: l.blob.mediaType, digest: l.blob.digest, size: l.blob.size });
        continue;
      }
      // Compress once, store, and reuse: the pushed digest stays stable across pushes.
      const writer = await this.deps.content.writer();
      await pipeline(this.openLayerTar(l), createGzip({ level: 6 }), writer);
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
    const { digest } = await this.deps.content.put(bytes);
    image.manifestDigest = digest;
    this.deps.store.put(image);
    return { digest, manifest };
  }
}

function imageSize(img: ImageRecord): number {
  return img.layers.reduce((n, l) => n + l.size, 0);
}

/** The image's container config as docker's inspect shows it (all keys present). */
export function imageContainerConfig(c: ContainerConfig | undefined): Record<string, unknown> {
  const cfg = c ?? {};
  return {
    Hostname: '', Domainname: '', User: cfg.User ?? '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
    Tty: false, OpenStdin: false, StdinOnce: false,
    Env: cfg.Env ?? null, Cmd: cfg.Cmd ?? null,
    ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
    ...(cfg.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: '', Volumes: cfg.Volumes ?? null, WorkingDir: cfg.WorkingDir ?? '', Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null, Labels: cfg.Labels ?? null,
    ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
    ...(cfg.Shell ? { Shell: cfg.Shell } : {}),
  };
}

/** Reads the first bytes to tell gzip/zstd/plain tar apart (docker import accepts compressed tars). */
async function sniffAndDecompress(body: Readable): Promise<Readable> {
  const { compression, stream } = await sniffCompression(body);
  if (compression === 'none') return stream;
  if (compression === 'gzip') return stream.pipe(createGunzip());
  return stream.pipe(createDecompressor(compression));
}

export { errorMessage, familiarName, formatReference, digestOf };
