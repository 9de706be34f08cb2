// The hostile corpus as an image's layer: through `docker load` (a save archive) and through a
// pull from `berth registry serve` on loopback (blobs pushed with raw HTTP). Also the layers whose
// digest does not match: a diffID the config does not name, a registry blob that is not its digest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { HOSTILE_CASES, gzipBomb, hostileTar, sha256Hex } from '../../support/hostile-archives.js';
import { pushBlob, startRegistry, tempDir } from '../registry/server/harness.js';
import { api, assertClearError, brief, checkAfter, collect, diskUse, errorOf, startHostileEnv } from './harness.js';

const root = process.getuid?.() === 0;

function config(diffIds: string[]): Buffer {
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: diffIds } }));
}

/** A `docker save` archive of one image with one layer (the layer bytes as given, maybe gzip). */
function saveArchive(tag: string, layer: Buffer, diffId: string): Buffer {
  return hostileTar([
    { name: 'config.json', type: 'file', mode: 0o644, data: config([diffId]) },
    { name: 'layer/layer.tar', type: 'file', mode: 0o644, data: layer },
    { name: 'manifest.json', type: 'file', mode: 0o644, data: JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: ['layer/layer.tar'] }]) },
  ]);
}

async function caseLayers(canary: string): Promise<Array<{ name: string; layer: Buffer; diffId: string; refused: boolean; gzip: boolean }>> {
  const out = [];
  for (const c of HOSTILE_CASES) {
    const tar = await collect(c.stream(canary));
    out.push({ name: c.name, layer: tar, diffId: `sha256:${sha256Hex(tar)}`, refused: c.layer === 'refused', gzip: false });
  }
  out.push({ name: 'bomb', layer: await collect(gzipBomb()), diffId: `sha256:${'0'.repeat(64)}`, refused: true, gzip: true });
  const benign = hostileTar([{ name: 'ok', type: 'file', mode: 0o644, data: 'ok' }]);
  out.push({ name: 'diffid-mismatch', layer: benign, diffId: `sha256:${'1'.repeat(64)}`, refused: true, gzip: false });
  return out;
}

test('hostile layers through docker load and pull', { skip: !root && 'needs root', timeout: 120_000 }, async (t) => {
  const env = await startHostileEnv(t);
  const layers = await caseLayers(env.canary);

  for (const l of layers) {
    const before = diskUse(env.daemon);
    const r = await api(env.daemon, 'POST', '/v1.47/images/load?quiet=1', saveArchive(`hostile-load:${l.name}`, l.layer, l.diffId));
    const err = errorOf(r);
    if (l.refused) assertClearError(`load ${l.name}`, err);
    else assert.equal(err, undefined, `load ${l.name}: ${err}`);
    t.diagnostic(`load ${l.name}: ${brief(err)}`);
    await checkAfter(env, `load ${l.name}`, { duBefore: before, run: false });
  }
  await checkAfter(env, 'load corpus');

  const reg = await startRegistry(t, tempDir(t));
  const host = new URL(reg.url).host;
  // Content of its own: a layer the daemon already holds (by diffID) is not downloaded again.
  const honest = hostileTar([{ name: 'honest', type: 'file', mode: 0o644, data: 'honest' }]);
  for (const l of [...layers, { name: 'blob-digest-mismatch', layer: gzipSync(honest), diffId: `sha256:${sha256Hex(honest)}`, refused: true, gzip: true }]) {
    const cfg = config([l.diffId]);
    const cfgDigest = await pushBlob(reg.url, 'hostile', cfg);
    const layerDigest = await pushBlob(reg.url, 'hostile', l.layer);
    if (l.name === 'blob-digest-mismatch') {
      // The registry verifies what it is sent: change the stored bytes behind its back.
      const file = execFileSync('find', [reg.root, '-name', layerDigest.slice(7), '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')[0]!;
      writeFileSync(file, gzipSync(hostileTar([{ name: 'evil', type: 'file', mode: 0o644, data: 'evil' }])));
    }
    const manifest = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: cfg.length },
      layers: [{ mediaType: l.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: l.layer.length }],
    });
    const put = await fetch(`${reg.url}/v2/hostile/manifests/${l.name}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(put.status, 201, await put.text());
    const before = diskUse(env.daemon);
    const r = await api(env.daemon, 'POST', `/v1.47/images/create?fromImage=${encodeURIComponent(`${host}/hostile`)}&tag=${l.name}`);
    const err = errorOf(r);
    if (l.refused) assertClearError(`pull ${l.name}`, err);
    else assert.equal(err, undefined, `pull ${l.name}: ${err}`);
    t.diagnostic(`pull ${l.name}: ${brief(err)}`);
    await checkAfter(env, `pull ${l.name}`, { duBefore: before, run: false });
  }
  await checkAfter(env, 'pull corpus');
});
