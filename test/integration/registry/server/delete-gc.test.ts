import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MAIN, errorCode, pushBlob, pushImage, startRegistry, tempDir } from './harness.js';

const run = promisify(execFile);

function gc(root: string, ...args: string[]) {
  return run(process.execPath, [MAIN, 'gc', '--root', root, ...args]);
}

function blobFile(root: string, digest: string): string {
  return join(root, 'blobs', 'sha256', digest.slice(7));
}

test('deletes are refused unless enabled (405 UNSUPPORTED)', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const img = await pushImage(reg.url, 'app', 'v1');
  for (const path of [`/v2/app/manifests/v1`, `/v2/app/manifests/${img.digest}`, `/v2/app/blobs/${img.layer}`]) {
    const res = await fetch(reg.url + path, { method: 'DELETE' });
    assert.equal(res.status, 405, path);
    assert.equal(await errorCode(res), 'UNSUPPORTED');
  }
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'HEAD' })).status, 200);
});

test('delete a tag (manifest stays), a manifest by digest (its tags go), a blob link', async (t) => {
  const reg = await startRegistry(t, tempDir(t), ['--delete']);
  const img = await pushImage(reg.url, 'app', 'v1');
  const tag2 = await fetch(`${reg.url}/v2/app/manifests/v2`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(tag2.status, 201);

  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v2`, { method: 'HEAD' })).status, 200);
  const again = await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'DELETE' });
  assert.equal(again.status, 404);
  assert.equal(await errorCode(again), 'MANIFEST_UNKNOWN');

  assert.equal((await fetch(`${reg.url}/v2/app/manifests/${img.digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v2`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/${img.digest}`, { method: 'HEAD' })).status, 404);

  assert.equal((await fetch(`${reg.url}/v2/app/blobs/${img.layer}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${reg.url}/v2/app/blobs/${img.layer}`, { method: 'HEAD' })).status, 404);
  const noBlob = await fetch(`${reg.url}/v2/app/blobs/${img.layer}`, { method: 'DELETE' });
  assert.equal(noBlob.status, 404);
  assert.equal(await errorCode(noBlob), 'BLOB_UNKNOWN');
});

test('gc while the server runs: removes unreferenced blobs only, keeps in-flight uploads, dry run removes nothing', async (t) => {
  const root = tempDir(t);
  const reg = await startRegistry(t, root, ['--delete']);
  const keep = await pushImage(reg.url, 'app', 'keep', 'k');
  const drop = await pushImage(reg.url, 'app', 'drop', 'd');
  const loose = await pushBlob(reg.url, 'app', 'never referenced');
  // An upload in flight: data written, not finished.
  const post = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
  const loc = post.headers.get('location')!;
  assert.equal((await fetch(reg.url + loc, { method: 'PATCH', body: 'partial data', headers: { 'Content-Range': '0-11' } })).status, 202);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/${drop.digest}`, { method: 'DELETE' })).status, 202);

  const dry = await gc(root, '--dry-run', '--grace', '0s');
  assert.match(dry.stdout, new RegExp(`would remove ${loose}`));
  assert.ok(existsSync(blobFile(root, loose)));

  // With the default grace period, fresh blobs are left alone.
  const graced = await gc(root);
  assert.match(graced.stdout, /freed 0 bytes in 0 blobs/);

  const real = await gc(root, '--grace', '0s');
  for (const d of [loose, drop.digest, drop.layer, drop.config]) {
    assert.match(real.stdout, new RegExp(`removed ${d}`));
    assert.ok(!existsSync(blobFile(root, d)), d);
    assert.equal((await fetch(`${reg.url}/v2/app/blobs/${d}`, { method: 'HEAD' })).status, 404);
  }
  for (const d of [keep.digest, keep.layer, keep.config]) assert.ok(existsSync(blobFile(root, d)), d);
  const pulled = await fetch(`${reg.url}/v2/app/manifests/keep`);
  assert.equal(pulled.status, 200);
  await pulled.arrayBuffer();

  // The upload in flight survived and still completes.
  const status = await fetch(reg.url + loc);
  assert.equal(status.headers.get('range'), '0-11');
  const { sha256 } = await import('./harness.js');
  const put = await fetch(`${reg.url}${loc}?digest=${sha256('partial data')}`, { method: 'PUT' });
  assert.equal(put.status, 201);
  // A collected blob can be pushed again.
  await pushBlob(reg.url, 'app', 'never referenced');
  assert.ok(existsSync(blobFile(root, loose)));
  assert.equal(readdirSync(join(root, 'ingest')).length, 0);
});

test('read-only mode refuses every write with 405 and still serves reads', async (t) => {
  const root = tempDir(t);
  const rw = await startRegistry(t, root);
  const img = await pushImage(rw.url, 'app', 'v1');
  await rw.stop();
  const ro = await startRegistry(t, root, ['--read-only', '--delete']);
  const get = await fetch(`${ro.url}/v2/app/manifests/v1`);
  assert.equal(get.status, 200);
  await get.arrayBuffer();
  for (const [method, path] of [['POST', '/v2/app/blobs/uploads/'], ['PUT', '/v2/app/manifests/v2'], ['DELETE', `/v2/app/manifests/${img.digest}`]] as const) {
    const res = await fetch(ro.url + path, { method, body: method === 'PUT' ? img.manifest : undefined });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(await errorCode(res), 'UNSUPPORTED');
  }
});
