import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCode, pushBlob, pushImage, sha256, startRegistry, tempDir } from './harness.js';

test('tags list: lexical order, n/last pagination with Link, unknown repository', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  for (const tag of ['b', 'a', 'c', 'd', 'e']) await pushImage(reg.url, 'app', tag);
  const all = await fetch(`${reg.url}/v2/app/tags/list`);
  assert.deepEqual(await all.json(), { name: 'app', tags: ['a', 'b', 'c', 'd', 'e'] });
  assert.equal(all.headers.get('link'), null);

  const p1 = await fetch(`${reg.url}/v2/app/tags/list?n=2`);
  assert.deepEqual(((await p1.json()) as { tags: string[] }).tags, ['a', 'b']);
  assert.equal(p1.headers.get('link'), '</v2/app/tags/list?n=2&last=b>; rel="next"');
  const p2 = await fetch(`${reg.url}/v2/app/tags/list?n=2&last=b`);
  assert.deepEqual(((await p2.json()) as { tags: string[] }).tags, ['c', 'd']);
  const p3 = await fetch(`${reg.url}/v2/app/tags/list?n=2&last=d`);
  assert.deepEqual(((await p3.json()) as { tags: string[] }).tags, ['e']);
  assert.equal(p3.headers.get('link'), null);
  const zero = await fetch(`${reg.url}/v2/app/tags/list?n=0`);
  assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, []);

  const unknown = await fetch(`${reg.url}/v2/nothing/tags/list`);
  assert.equal(unknown.status, 404);
  assert.equal(await errorCode(unknown), 'NAME_UNKNOWN');
  const badName = await fetch(`${reg.url}/v2/NoPe/tags/list`);
  assert.equal(badName.status, 400);
  assert.equal(await errorCode(badName), 'NAME_INVALID');
});

test('catalog: repositories with pagination', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  for (const repo of ['zeta', 'alpha/one', 'alpha/two']) await pushImage(reg.url, repo, 'latest');
  await pushBlob(reg.url, 'blobs-only', 'no manifest here');
  const all = await fetch(`${reg.url}/v2/_catalog`);
  assert.deepEqual(await all.json(), { repositories: ['alpha/one', 'alpha/two', 'zeta'] });
  const p1 = await fetch(`${reg.url}/v2/_catalog?n=1`);
  assert.deepEqual(await p1.json(), { repositories: ['alpha/one'] });
  assert.equal(p1.headers.get('link'), '</v2/_catalog?n=1&last=alpha%2Fone>; rel="next"');
  const p2 = await fetch(`${reg.url}/v2/_catalog?n=5&last=alpha%2Fone`);
  assert.deepEqual(await p2.json(), { repositories: ['alpha/two', 'zeta'] });
});

test('referrers: subject on push (OCI-Subject), listing, artifactType filter', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const img = await pushImage(reg.url, 'app', 'v1');
  const empty = await pushBlob(reg.url, 'app', '{}');
  const sig = await pushBlob(reg.url, 'app', 'signature bytes');
  const artifact = (artifactType: string, note: string) => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
    layers: [{ mediaType: 'application/octet-stream', digest: sig, size: 15 }],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.digest, size: img.manifest.length },
    annotations: { note },
  }));
  const a1 = artifact('application/vnd.example.sbom', 'sbom');
  const a2 = artifact('application/vnd.example.sig', 'sig');
  for (const a of [a1, a2]) {
    const res = await fetch(`${reg.url}/v2/app/manifests/${sha256(a)}`, { method: 'PUT', body: a, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('oci-subject'), img.digest);
  }
  const res = await fetch(`${reg.url}/v2/app/referrers/${img.digest}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
  const index = (await res.json()) as { schemaVersion: number; manifests: Array<{ digest: string; artifactType: string; annotations: Record<string, string>; size: number }> };
  assert.equal(index.schemaVersion, 2);
  assert.deepEqual(index.manifests.map((m) => m.digest).sort(), [sha256(a1), sha256(a2)].sort());
  const m1 = index.manifests.find((m) => m.digest === sha256(a1))!;
  assert.equal(m1.artifactType, 'application/vnd.example.sbom');
  assert.deepEqual(m1.annotations, { note: 'sbom' });
  assert.equal(m1.size, a1.length);

  const filtered = await fetch(`${reg.url}/v2/app/referrers/${img.digest}?artifactType=application/vnd.example.sig`);
  assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
  assert.deepEqual(((await filtered.json()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest), [sha256(a2)]);

  const none = await fetch(`${reg.url}/v2/app/referrers/${sha256('nothing refers to me')}`);
  assert.equal(none.status, 200);
  assert.deepEqual(((await none.json()) as { manifests: unknown[] }).manifests, []);
  const bad = await fetch(`${reg.url}/v2/app/referrers/not-a-digest`);
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'DIGEST_INVALID');
});
