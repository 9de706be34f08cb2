// Orphans of the stores: blobs no image or build cache entry references, ingests left by a cut
// write, and snapshots no image, container or build uses.
import { stat } from 'node:fs/promises';
import type { ContentStore } from '../content/content-store.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import type { Digest } from '../oci/digest.js';
import { type CheckClock, type Finding, mayBeInFlight, repairing } from './check-finding.js';

export interface StorageRefs {
  images: ImageRecord[];
  /** Layers the build cache holds (its entries' results). */
  cachedLayers: LayerRecord[];
  /** Image IDs (config digests) the build cache's results name. */
  cachedConfigs: Digest[];
  containerIds: string[];
}

/** Every blob digest the image records and the build cache reach. */
function referencedBlobs(r: StorageRefs): Set<string> {
  const out = new Set<string>();
  const addLayers = (layers: LayerRecord[]): void => {
    for (const l of layers) if (l.blob) out.add(l.blob.digest);
  };
  for (const img of r.images) {
    out.add(img.id);
    if (img.manifestDigest) out.add(img.manifestDigest);
    // An index pulled by digest is kept beside the manifest: the repo digest names it.
    for (const rd of img.repoDigests) out.add(rd.slice(rd.lastIndexOf('@') + 1));
    addLayers(img.layers);
  }
  for (const id of r.cachedConfigs) out.add(id);
  addLayers(r.cachedLayers);
  return out;
}

export async function checkBlobs(content: ContentStore, refs: StorageRefs, clock: CheckClock, repair: boolean): Promise<Finding[]> {
  const used = referencedBlobs(refs);
  const out: Finding[] = [];
  for await (const b of content.list()) {
    if (used.has(b.digest)) continue;
    const st = await stat(content.blobPath(b.digest)).catch(() => undefined);
    if (!st || mayBeInFlight(st.mtime, clock)) continue;
    const f: Finding = { kind: 'blob', id: b.digest, reason: `${b.size} bytes no image or build cache references` };
    if (repair) await repairing(f, () => content.delete(b.digest));
    out.push(f);
  }
  for await (const i of content.ingests()) {
    if (mayBeInFlight(i.updated, clock) || i.updated.getTime() >= clock.startedAt.getTime()) continue;
    const f: Finding = { kind: 'ingest', id: i.name, reason: `unfinished write of ${i.size} bytes from before the daemon started` };
    if (repair) await repairing(f, () => content.removeIngest(i.name));
    out.push(f);
  }
  return out;
}

export async function checkSnapshots(snapshots: Snapshotter, refs: StorageRefs, clock: CheckClock, repair: boolean): Promise<Finding[]> {
  const all = await snapshots.list();
  const byName = new Map(all.map((s) => [s.name, s]));
  const roots = new Set<string>(refs.containerIds);
  for (const img of refs.images) for (const l of img.layers) roots.add(l.chainId);
  for (const l of refs.cachedLayers) roots.add(l.chainId);
  // A build running now holds its active snapshots and what it committed since it began.
  for (const s of all) if (mayBeInFlight(s.created, clock)) roots.add(s.name);
  const used = new Set<string>();
  for (const name of roots) {
    for (let cur = byName.get(name); cur && !used.has(cur.name); cur = cur.parent ? byName.get(cur.parent) : undefined) used.add(cur.name);
  }
  const orphans = all.filter((s) => !used.has(s.name));
  const out = orphans.map((s): Finding => ({ kind: 'snapshot', id: s.name, reason: `${s.kind} snapshot no image, container or build uses` }));
  if (!repair) return out;
  // Children before parents: a parent with children cannot go.
  const depth = (n: string): number => {
    let d = 0;
    for (let cur = byName.get(n); cur?.parent; cur = byName.get(cur.parent)) d++;
    return d;
  };
  const order = [...out].sort((a, b) => depth(b.id) - depth(a.id));
  for (const f of order) await repairing(f, () => snapshots.remove(f.id));
  return out;
}
