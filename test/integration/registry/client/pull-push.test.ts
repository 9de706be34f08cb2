// Round trips against a real registry on loopback: push images made here, pull them back into a
// fresh store and directory sink, and compare digests and files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { hostPlatform } from '../../../../src/oci/platform.js';
import { MediaType } from '../../../../src/oci/media-types.js';
import { shortId } from '../../../../src/oci/digest.js';
import { pullImage, pushImage, fetchManifest, type ProgressMessage } from '../../../../src/registry/client/index.js';
import { RegistryProcess } from '../../../support/registry-process.js';
import { buildImage, buildIndex, tarOf } from '../../../support/test-image.js';
import { useRegistry } from '../../../support/registry-fixture.js';
import { randomBytes } from 'node:crypto';

describe('registry client against docker-registry', () => {
  const { registry, hosts, work, fresh } = useRegistry('berth-regclient-', new RegistryProcess());

  test('push then pull round trip keeps every digest (gzip, zstd and uncompressed layers)', async () => {
    const src = await fresh();
    const img = await buildImage(src.store, {
      layers: [
        { files: { 'etc/hello': 'hello\n' }, compression: 'gzip' },
        { files: { 'bin/tool': randomBytes(300_000) }, compression: 'zstd' },
        { files: { 'usr/share/doc': 'plain layer' }, compression: 'none' },
      ],
    });
    const ref = `${registry.host}/test/roundtrip:v1`;
    const pushMsgs: ProgressMessage[] = [];
    const pushed = await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts, onProgress: (m) => pushMsgs.push(m) });
    assert.equal(pushed.digest, img.manifestDigest, 'push keeps the manifest digest');
    assert.deepEqual(pushMsgs[0], { status: `The push refers to repository [${registry.host}/test/roundtrip]` });
    const ids = img.diffIds.map((d) => shortId(d));
    for (const id of ids) {
      assert.ok(pushMsgs.some((m) => m.status === 'Preparing' && m.id === id));
      assert.ok(pushMsgs.some((m) => m.status === 'Pushed' && m.id === id && JSON.stringify(m.progressDetail) === '{}'));
    }
    assert.deepEqual(pushMsgs.at(-2), { status: `v1: digest: ${img.manifestDigest} size: ${img.manifestBytes.length}` });
    assert.deepEqual(pushMsgs.at(-1), { progressDetail: {}, aux: { Tag: 'v1', Digest: img.manifestDigest, Size: img.manifestBytes.length } });

    const dst = await fresh();
    const msgs: ProgressMessage[] = [];
    const res = await pullImage({ ref, store: dst.store, hosts, layers: dst.sink, onProgress: (m) => msgs.push(m) });
    assert.equal(res.manifestDigest, img.manifestDigest);
    assert.equal(res.digest, img.manifestDigest);
    assert.equal(res.configDigest, img.configDigest);
    assert.deepEqual(res.config.rootfs.diff_ids, img.diffIds);
    for (const l of img.layers) assert.ok(await dst.store.info(l.digest), `layer blob ${l.digest} stored`);
    assert.ok(await dst.store.info(img.manifestDigest));
    assert.ok(await dst.store.info(img.configDigest));
    assert.equal(readFileSync(join(dst.sink.layerDir(img.diffIds[0]!), 'etc/hello'), 'utf8'), 'hello\n');
    assert.equal(readFileSync(join(dst.sink.layerDir(img.diffIds[2]!), 'usr/share/doc'), 'utf8'), 'plain layer');

    // dockerd's message shapes
    assert.deepEqual(msgs[0], { status: 'Pulling from test/roundtrip', id: 'v1' });
    for (const l of img.layers) {
      const id = shortId(l.digest);
      assert.ok(msgs.some((m) => m.status === 'Pulling fs layer' && m.id === id && JSON.stringify(m.progressDetail) === '{}'));
      const dl = msgs.filter((m) => m.status === 'Downloading' && m.id === id);
      assert.ok(dl.length > 0, 'Downloading progress');
      assert.deepEqual(dl.at(-1)!.progressDetail, { current: l.size, total: l.size });
      assert.match(dl.at(-1)!.progress!, /^\[=+>\] +[0-9.]+k?M?B\/[0-9.]+k?M?B$/);
      const seq = msgs.filter((m) => m.id === id).map((m) => m.status);
      for (const s of ['Verifying Checksum', 'Download complete', 'Pull complete']) assert.ok(seq.includes(s), `${s} for ${id}`);
      assert.ok(seq.indexOf('Download complete') < seq.indexOf('Pull complete'));
    }
    assert.deepEqual(msgs.at(-2), { status: `Digest: ${img.manifestDigest}` });
    assert.deepEqual(msgs.at(-1), { status: `Status: Downloaded newer image for ${registry.host}/test/roundtrip:v1` });

    // Again, with everything present: nothing downloaded, "Already exists", "Image is up to date".
    const again: ProgressMessage[] = [];
    const r2 = await pullImage({ ref, store: dst.store, hosts, layers: dst.sink, onProgress: (m) => again.push(m), localDigest: res.digest });
    assert.equal(r2.upToDate, true);
    assert.equal(again.filter((m) => m.status === 'Already exists').length, 3);
    assert.equal(again.filter((m) => m.status === 'Downloading').length, 0);
    assert.deepEqual(again.at(-1), { status: `Status: Image is up to date for ${registry.host}/test/roundtrip:v1` });

    // Pushing again: every layer is already there.
    const rePush: ProgressMessage[] = [];
    await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts, onProgress: (m) => rePush.push(m) });
    assert.equal(rePush.filter((m) => m.status === 'Layer already exists').length, 3);

    // manifest inspect
    const mi = await fetchManifest({ ref, hosts });
    assert.equal(mi.digest, img.manifestDigest);
    assert.equal(mi.mediaType, MediaType.dockerManifest);
    assert.deepEqual(mi.bytes, img.manifestBytes);

    // by digest
    const byDigest = await fresh();
    const r3 = await pullImage({ ref: `${registry.host}/test/roundtrip@${img.manifestDigest}`, store: byDigest.store, hosts, layers: byDigest.sink });
    assert.equal(r3.manifestDigest, img.manifestDigest);
  });

  test('multi-platform index: host platform by default, arm64 on request', async () => {
    const src = await fresh();
    const amd = await buildImage(src.store, { layers: [{ files: { arch: 'amd64' } }], platform: { os: 'linux', architecture: 'amd64' }, oci: true });
    const arm = await buildImage(src.store, { layers: [{ files: { arch: 'arm64' } }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, oci: true });
    const idx = await buildIndex(src.store, [
      { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
      { image: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    const ref = `${registry.host}/test/multi:latest`;
    const pushed = await pushImage({ ref, manifestDigest: idx.digest, store: src.store, hosts });
    assert.equal(pushed.digest, idx.digest);

    const host = hostPlatform();
    const a = await fresh();
    const ra = await pullImage({ ref, store: a.store, hosts, layers: a.sink });
    assert.equal(ra.indexDigest, idx.digest);
    assert.equal(ra.digest, idx.digest);
    const expected = host.architecture === 'arm64' ? arm : amd;
    assert.equal(ra.manifestDigest, expected.manifestDigest);
    assert.equal(ra.config.architecture, host.architecture);
    assert.ok(await a.store.info(idx.digest), 'index stored');

    const b = await fresh();
    const rb = await pullImage({ ref, store: b.store, hosts, layers: b.sink, platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(rb.manifestDigest, arm.manifestDigest);
    assert.equal(readFileSync(join(b.sink.layerDir(arm.diffIds[0]!), 'arch'), 'utf8'), 'arm64');

    const c = await fresh();
    await assert.rejects(
      pullImage({ ref, store: c.store, hosts, layers: c.sink, platform: { os: 'linux', architecture: 's390x' } }),
      { message: 'no matching manifest for linux/s390x in the manifest list entries' },
    );
  });

  test('cross-repository mount, chunked upload, layer compressed on the fly', async () => {
    const src = await fresh();
    const img = await buildImage(src.store, { layers: [{ files: { big: randomBytes(200_000) } }, { files: { small: 'x' } }] });
    await pushImage({ ref: `${registry.host}/mount/source:1`, manifestDigest: img.manifestDigest, store: src.store, hosts, chunkSize: 65_536 });
    const msgs: ProgressMessage[] = [];
    await pushImage({ ref: `${registry.host}/mount/target:1`, manifestDigest: img.manifestDigest, store: src.store, hosts, onProgress: (m) => msgs.push(m) });
    assert.equal(msgs.filter((m) => m.status === 'Mounted from mount/source').length, 2);

    // A layer whose compressed blob is gone (imported locally): the image store's openLayer compresses it.
    const local = await fresh();
    const imported = await buildImage(local.store, { layers: [{ files: { 'app/main': 'print(1)\n' } }] });
    await local.store.delete(imported.layers[0]!.digest);
    const tarBytes = imported.tars.get(imported.diffIds[0]!)!;
    const pushed = await pushImage({
      ref: `${registry.host}/mount/imported:1`,
      manifestDigest: imported.manifestDigest,
      store: local.store,
      hosts,
      // Another compression level than the original, so the blob (and manifest) really change.
      openLayer: () => Readable.from([gzipSync(tarBytes, { level: 1 })]),
    });
    assert.equal(pushed.rewritten, true);
    assert.ok(await local.store.info(pushed.digest), 'rewritten manifest stored');
    const back = await fresh();
    const r = await pullImage({ ref: `${registry.host}/mount/imported:1`, store: back.store, hosts, layers: back.sink });
    assert.equal(r.manifestDigest, pushed.digest);
    assert.equal(readFileSync(join(back.sink.layerDir(imported.diffIds[0]!), 'app/main'), 'utf8'), 'print(1)\n');
  });

  test('two concurrent pulls sharing a layer download it once', async () => {
    const src = await fresh();
    const shared = { files: { shared: randomBytes(3_000_000) } };
    const one = await buildImage(src.store, { layers: [shared, { files: { one: '1' } }] });
    const two = await buildImage(src.store, { layers: [shared, { files: { two: '2' } }] });
    await pushImage({ ref: `${registry.host}/share/one:1`, manifestDigest: one.manifestDigest, store: src.store, hosts });
    await pushImage({ ref: `${registry.host}/share/two:1`, manifestDigest: two.manifestDigest, store: src.store, hosts });
    const dst = await fresh();
    const before = readFileSync(registry.logPath, 'utf8').length;
    const seen: ProgressMessage[][] = [[], []];
    await Promise.all([
      pullImage({ ref: `${registry.host}/share/one:1`, store: dst.store, hosts, layers: dst.sink, onProgress: (m) => seen[0]!.push(m) }),
      pullImage({ ref: `${registry.host}/share/two:1`, store: dst.store, hosts, layers: dst.sink, onProgress: (m) => seen[1]!.push(m) }),
    ]);
    const log = readFileSync(registry.logPath, 'utf8').slice(before);
    const sharedDigest = one.layers[0]!.digest;
    const gets = log.split('\n').filter((l) => l.includes(`"GET /v2/share/`) && l.includes(`/blobs/${sharedDigest}`));
    assert.equal(gets.length, 1, `shared layer fetched once:\n${gets.join('\n')}`);
    assert.equal(dst.sink.unpacked.filter((d) => d === one.diffIds[0]).length, 1);
    for (const s of seen) assert.ok(s.some((m) => m.id === shortId(sharedDigest) && m.status === 'Pull complete'));
  });

  test('missing tag and repository read as dockerd says', async () => {
    const dst = await fresh();
    await assert.rejects(pullImage({ ref: `${registry.host}/test/roundtrip:nope`, store: dst.store, hosts, layers: dst.sink }), {
      name: 'NotFoundError',
      message: `manifest for ${registry.host}/test/roundtrip:nope not found: manifest unknown: manifest unknown`,
    });
    // registry 2.8 answers MANIFEST_UNKNOWN for an unknown repository too (docker then says the same).
    await assert.rejects(pullImage({ ref: `${registry.host}/no/such:1`, store: dst.store, hosts, layers: dst.sink }), {
      name: 'NotFoundError',
      message: `manifest for ${registry.host}/no/such:1 not found: manifest unknown: manifest unknown`,
    });
    assert.deepEqual(readdirSync(join(dst.store.root, 'blobs', 'sha256')), []);
  });

  test('tar helper makes what the sink extracts', async () => {
    const t = await tarOf({ 'a/b': 'c' });
    assert.ok(t.length >= 1024);
    assert.ok(!existsSync(join(work, 'nonexistent')));
  });
});
