import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, pushBlob, rawGet, pushImage, sha256, startRegistry, tempDir } from './harness.js';

test('base endpoint answers 200 {} with the API version header', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const res = await fetch(`${reg.url}/v2/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.deepEqual(await res.json(), {});
  assert.equal((await fetch(`${reg.url}/v2/`, { method: 'HEAD' })).status, 200);
});

test('blobs: monolithic push, GET, HEAD, Range, unknown blob, bad digest, invalid name', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const data = randomBytes(100_000);
  const d = await pushBlob(reg.url, 'lib/app', data);
  const get = await fetch(`${reg.url}/v2/lib/app/blobs/${d}`);
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('docker-content-digest'), d);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), data);
  const head = await fetch(`${reg.url}/v2/lib/app/blobs/${d}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '100000');

  const part = await fetch(`${reg.url}/v2/lib/app/blobs/${d}`, { headers: { Range: 'bytes=10-19' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 10-19/100000');
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), data.subarray(10, 20));
  const tail = await fetch(`${reg.url}/v2/lib/app/blobs/${d}`, { headers: { Range: 'bytes=-5' } });
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), data.subarray(-5));
  const beyond = await fetch(`${reg.url}/v2/lib/app/blobs/${d}`, { headers: { Range: 'bytes=200000-' } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), 'bytes */100000');
  await beyond.arrayBuffer();

  const unknown = await fetch(`${reg.url}/v2/lib/app/blobs/${sha256('nope')}`);
  assert.equal(unknown.status, 404);
  assert.equal(await errorCode(unknown), 'BLOB_UNKNOWN');
  // A blob is only readable in repositories it was pushed or mounted into.
  const other = await fetch(`${reg.url}/v2/other/blobs/${d}`);
  assert.equal(other.status, 404);
  await other.arrayBuffer();
  const bad = await fetch(`${reg.url}/v2/lib/app/blobs/sha256:xyz`);
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'DIGEST_INVALID');
  for (const name of ['Lib/app', 'lib/../../etc', 'lib/%2e%2e/x', 'lib//app', '-lib', 'lib/app_', 'a'.repeat(256)]) {
    const res = await rawGet(reg.url, `/v2/${name}/blobs/${d}`);
    assert.equal(res.status, 400, name);
    assert.equal(JSON.parse(res.body).errors[0].code, 'NAME_INVALID', name);
  }
});

test('monolithic push with a wrong digest is rejected and stores nothing', async (t) => {
  const root = tempDir(t);
  const reg = await startRegistry(t, root);
  const wrong = sha256('something else');
  const res = await fetch(`${reg.url}/v2/app/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: 'payload' });
  assert.equal(res.status, 400);
  assert.equal(await errorCode(res), 'DIGEST_INVALID');
  for (const d of [wrong, sha256('payload')]) {
    const head = await fetch(`${reg.url}/v2/app/blobs/${d}`, { method: 'HEAD' });
    assert.equal(head.status, 404);
  }
  assert.deepEqual(readdirSync(join(root, 'blobs', 'sha256')), []);
  assert.deepEqual(readdirSync(join(root, 'ingest')), []);
});

test('chunked upload: POST, PATCH with Content-Range, status GET, out-of-order 416, PUT', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const data = randomBytes(300_000);
  const post = await fetch(`${reg.url}/v2/ns/app/blobs/uploads/`, { method: 'POST' });
  assert.equal(post.status, 202);
  const loc = post.headers.get('location')!;
  assert.match(loc, /^\/v2\/ns\/app\/blobs\/uploads\/[0-9a-f-]+$/);
  assert.equal(post.headers.get('range'), '0-0');
  assert.ok(post.headers.get('docker-upload-uuid'));

  const p1 = await fetch(reg.url + loc, { method: 'PATCH', body: data.subarray(0, 100_000), headers: { 'Content-Range': '0-99999', 'Content-Type': 'application/octet-stream' } });
  assert.equal(p1.status, 202);
  assert.equal(p1.headers.get('range'), '0-99999');
  const loc2 = p1.headers.get('location')!;

  const skip = await fetch(reg.url + loc2, { method: 'PATCH', body: data.subarray(150_000, 200_000), headers: { 'Content-Range': '150000-199999' } });
  assert.equal(skip.status, 416);
  assert.equal(skip.headers.get('range'), '0-99999');
  await skip.arrayBuffer();

  const status = await fetch(reg.url + loc2);
  assert.equal(status.status, 204);
  assert.equal(status.headers.get('range'), '0-99999');

  const p2 = await fetch(reg.url + loc2, { method: 'PATCH', body: data.subarray(100_000, 200_000), headers: { 'Content-Range': '100000-199999' } });
  assert.equal(p2.status, 202);
  // The last chunk rides on the PUT.
  const d = sha256(data);
  const put = await fetch(`${reg.url}${p2.headers.get('location')}?digest=${d}`, { method: 'PUT', body: data.subarray(200_000), headers: { 'Content-Range': '200000-299999' } });
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('docker-content-digest'), d);
  assert.equal(put.headers.get('location'), `/v2/ns/app/blobs/${d}`);
  const get = await fetch(`${reg.url}/v2/ns/app/blobs/${d}`);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), data);
  // The session is over.
  const gone = await fetch(reg.url + loc2);
  assert.equal(gone.status, 404);
  assert.equal(await errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
});

test('streamed PATCH without Content-Range, then PUT with a wrong digest: 400 and nothing stored', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const post = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
  const loc = post.headers.get('location')!;
  const patch = await fetch(reg.url + loc, { method: 'PATCH', body: 'abc' });
  assert.equal(patch.status, 202);
  const put = await fetch(`${reg.url}${loc}?digest=${sha256('abd')}`, { method: 'PUT' });
  assert.equal(put.status, 400);
  assert.equal(await errorCode(put), 'DIGEST_INVALID');
  assert.equal((await fetch(`${reg.url}/v2/app/blobs/${sha256('abc')}`, { method: 'HEAD' })).status, 404);
  const noDigest = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
  const put2 = await fetch(`${reg.url}${noDigest.headers.get('location')}`, { method: 'PUT' });
  assert.equal(put2.status, 400);
  assert.equal(await errorCode(put2), 'DIGEST_INVALID');
});

test('upload cancel, unknown session, session of another repository', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const post = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
  const loc = post.headers.get('location')!;
  const id = loc.split('/').pop()!;
  const elsewhere = await fetch(`${reg.url}/v2/other/blobs/uploads/${id}`);
  assert.equal(elsewhere.status, 404);
  assert.equal(await errorCode(elsewhere), 'BLOB_UPLOAD_UNKNOWN');
  assert.equal((await fetch(reg.url + loc, { method: 'DELETE' })).status, 204);
  const after = await fetch(reg.url + loc);
  assert.equal(after.status, 404);
  const del = await fetch(reg.url + loc, { method: 'DELETE' });
  assert.equal(del.status, 404);
  assert.equal(await errorCode(del), 'BLOB_UPLOAD_UNKNOWN');
});

test('cross-repository mount: 201 when the source has it, 202 session otherwise', async (t) => {
  const root = tempDir(t);
  const reg = await startRegistry(t, root);
  const d = await pushBlob(reg.url, 'src/app', 'shared layer');
  const m = await fetch(`${reg.url}/v2/dst/app/blobs/uploads/?mount=${d}&from=src/app`, { method: 'POST' });
  assert.equal(m.status, 201);
  assert.equal(m.headers.get('location'), `/v2/dst/app/blobs/${d}`);
  assert.equal((await fetch(`${reg.url}/v2/dst/app/blobs/${d}`)).status, 200);
  const miss = await fetch(`${reg.url}/v2/dst/app/blobs/uploads/?mount=${sha256('absent')}&from=src/app`, { method: 'POST' });
  assert.equal(miss.status, 202);
  assert.ok(miss.headers.get('location'));
  // Deduplicated: one file for the blob pushed once and mounted once.
  await pushBlob(reg.url, 'third', 'shared layer');
  assert.equal(readdirSync(join(root, 'blobs', 'sha256')).filter((f) => 'sha256:' + f === d).length, 1);
});

test('manifests: push by tag and digest, GET/HEAD, Accept negotiation, validation', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const img = await pushImage(reg.url, 'app', 'v1');
  for (const ref of ['v1', img.digest]) {
    const res = await fetch(`${reg.url}/v2/app/manifests/${ref}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(res.headers.get('docker-content-digest'), img.digest);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), img.manifest);
  }
  const head = await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(img.manifest.length));
  assert.equal(head.headers.get('docker-content-digest'), img.digest);
  // A client that only reads Docker schema 2 is not handed an OCI manifest.
  const docker = await fetch(`${reg.url}/v2/app/manifests/v1`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  assert.equal(docker.status, 404);
  assert.equal(await errorCode(docker), 'MANIFEST_UNKNOWN');

  const missing = await fetch(`${reg.url}/v2/app/manifests/nope`);
  assert.equal(missing.status, 404);
  assert.equal(await errorCode(missing), 'MANIFEST_UNKNOWN');
  const badRef = await fetch(`${reg.url}/v2/app/manifests/-bad`);
  assert.equal(badRef.status, 400);
  await badRef.arrayBuffer();

  // Every referenced blob must exist in the repository.
  const ghost = sha256('ghost layer');
  const body = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.config, size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ghost, size: 5 }],
  });
  const refused = await fetch(`${reg.url}/v2/app/manifests/v2`, { method: 'PUT', body, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(refused.status, 400);
  const err = (await refused.json()) as { errors: Array<{ code: string; detail: { digests: string[] } }> };
  assert.equal(err.errors[0]!.code, 'MANIFEST_BLOB_UNKNOWN');
  assert.deepEqual(err.errors[0]!.detail.digests, [ghost]);
  assert.equal((await fetch(`${reg.url}/v2/app/manifests/v2`, { method: 'HEAD' })).status, 404);

  const garbage = await fetch(`${reg.url}/v2/app/manifests/v3`, { method: 'PUT', body: '{"schemaVersion":2,', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(garbage.status, 400);
  assert.equal(await errorCode(garbage), 'MANIFEST_INVALID');
  const wrongDigest = await fetch(`${reg.url}/v2/app/manifests/${sha256('other')}`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(wrongDigest.status, 400);
  assert.equal(await errorCode(wrongDigest), 'DIGEST_INVALID');
  const byDigest = await fetch(`${reg.url}/v2/app/manifests/${img.digest}`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(byDigest.status, 201);
  assert.equal(byDigest.headers.get('location'), `/v2/app/manifests/${img.digest}`);
});

test('manifest lists and OCI indexes: children must exist; old clients get linux/amd64', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  // A Docker schema 2 image, then a manifest list of it.
  const cfg = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const cfgD = await pushBlob(reg.url, 'multi', cfg);
  const layer = Buffer.from('docker layer');
  const layerD = await pushBlob(reg.url, 'multi', layer);
  const child = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cfgD, size: cfg.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerD, size: layer.length }],
  }));
  const childD = sha256(child);
  assert.equal((await fetch(`${reg.url}/v2/multi/manifests/${childD}`, { method: 'PUT', body: child, headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' } })).status, 201);
  const list = (children: string[]) => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: children.map((d) => ({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: d, size: child.length, platform: { architecture: 'amd64', os: 'linux' } })),
  }));
  const bad = await fetch(`${reg.url}/v2/multi/manifests/latest`, { method: 'PUT', body: list([sha256('nope')]), headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' } });
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'MANIFEST_BLOB_UNKNOWN');
  const ok = await fetch(`${reg.url}/v2/multi/manifests/latest`, { method: 'PUT', body: list([childD]), headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' } });
  assert.equal(ok.status, 201);
  const full = await fetch(`${reg.url}/v2/multi/manifests/latest`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' } });
  assert.equal(full.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.list.v2+json');
  await full.arrayBuffer();
  const old = await fetch(`${reg.url}/v2/multi/manifests/latest`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  assert.equal(old.status, 200);
  assert.equal(old.headers.get('docker-content-digest'), childD);
  await old.arrayBuffer();
  // An OCI index whose Content-Type and mediaType disagree is invalid.
  const mismatch = await fetch(`${reg.url}/v2/multi/manifests/x`, { method: 'PUT', body: list([childD]), headers: { 'Content-Type': 'application/vnd.oci.image.index.v1+json' } });
  assert.equal(mismatch.status, 400);
  assert.equal(await errorCode(mismatch), 'MANIFEST_INVALID');
});
