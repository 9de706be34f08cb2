// Builds a small OCI image layout on disk (a gzipped tar layer, a config, a manifest) for skopeo.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { sha256 } from './harness.js';

async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime: new Date(0) }, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface Layout {
  dir: string;
  manifestDigest: string;
  layerDigest: string;
}

/** Writes an OCI layout under `dir` holding one image tagged `tag`. */
export async function writeOciLayout(dir: string, tag: string, files: Record<string, string | Buffer>): Promise<Layout> {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer): string => {
    const d = sha256(data);
    writeFileSync(join(blobs, d.slice(7)), data);
    return d;
  };
  const tar = await tarOf(files);
  const layer = gzipSync(tar);
  const layerDigest = put(layer);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
  }));
  const configDigest = put(config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  }));
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    }],
  }));
  return { dir, manifestDigest, layerDigest };
}
