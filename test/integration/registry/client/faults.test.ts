// Failures during a pull: wrong bytes from the registry, the registry killed mid-download. Nothing
// may look committed afterwards, and a retry must finish, reusing what was complete and resuming
// the partial layer with an HTTP Range request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { shortId } from '../../../../src/oci/digest.js';
import { pullImage, pushImage, RegistryHosts, type ProgressMessage } from '../../../../src/registry/client/index.js';
import { RegistryProcess } from '../../../support/registry-process.js';
import { buildImage } from '../../../support/test-image.js';
import { useRegistry } from '../../../support/registry-fixture.js';

describe('pull failures', () => {
  const { registry, hosts, fresh } = useRegistry('berth-regfault-', new RegistryProcess());

  test('a layer served with the wrong bytes fails with a digest error and commits nothing', async () => {
    const src = await fresh();
    const img = await buildImage(src.store, { layers: [{ files: { ok: 'fine' } }, { files: { bad: randomBytes(50_000) }, compression: 'none' }] });
    const ref = `${registry.host}/fault/tampered:1`;
    await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts });
    const bad = img.layers[1]!;
    const path = registry.blobDataPath(bad.digest);
    const bytes = readFileSync(path);
    bytes[bytes.length - 600] ^= 0xff; // same size, different content
    writeFileSync(path, bytes);

    const dst = await fresh();
    await assert.rejects(pullImage({ ref, store: dst.store, hosts, layers: dst.sink }), {
      name: 'DigestMismatchError',
      message: new RegExp(`^filesystem layer verification failed for digest ${bad.digest}`),
    });
    assert.equal(await dst.store.info(bad.digest), undefined, 'tampered blob not stored');
    assert.equal(await dst.store.info(img.manifestDigest), undefined, 'manifest not stored');
    assert.equal(await dst.sink.has(img.diffIds[1]!), false, 'layer not unpacked');
    assert.deepEqual(readdirSync(dst.store.ingestDir), [], 'no partial ingest kept for bad content');
    assert.deepEqual(readdirSync(dst.sink.root).filter((d) => d.startsWith('.tmp-')), [], 'no half-extracted layer');
  });

  test('registry killed mid-pull: clear error, nothing committed; retry reuses finished layers and resumes with Range', async () => {
    const src = await fresh();
    const big = randomBytes(24 << 20);
    const img = await buildImage(src.store, {
      layers: [{ files: { one: 'small one' } }, { files: { two: 'small two' } }, { files: { big } }],
    });
    const ref = `${registry.host}/fault/killed:1`;
    await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts });
    const bigLayer = img.layers[2]!;
    const bigId = shortId(bigLayer.digest);
    const smallIds = img.layers.slice(0, 2).map((l) => shortId(l.digest));

    const dst = await fresh();
    // Slow the big layer's extraction so the registry is still sending when it dies.
    dst.sink.hook = (diffId, s) => {
      if (diffId !== img.diffIds[2]) return s;
      const slow = new Transform({ transform: (c, _e, cb) => void setTimeout(() => cb(null, c), 15) });
      s.on('error', (err) => slow.destroy(err));
      return s.pipe(slow);
    };
    const done = new Set<string>();
    let killing: Promise<void> | undefined;
    const onProgress = (m: ProgressMessage): void => {
      if (m.status === 'Pull complete' && m.id) done.add(m.id);
      if (!killing && m.status === 'Downloading' && m.id === bigId && (m.progressDetail?.current ?? 0) > (2 << 20) && smallIds.every((id) => done.has(id))) {
        killing = registry.kill();
      }
    };
    const isolated = new RegistryHosts();
    try {
      await assert.rejects(pullImage({ ref, store: dst.store, hosts: isolated, layers: dst.sink, onProgress, retries: 0 }), (err: Error) => {
        assert.match(err.message, /unexpected EOF|connection (refused|reset)|other side closed/);
        return true;
      });
    } finally {
      await isolated.close();
    }
    assert.ok(killing, 'the registry was killed during the big layer');
    await killing;
    assert.equal(await dst.store.info(img.manifestDigest), undefined, 'no manifest: the image is not there');
    assert.equal(await dst.store.info(bigLayer.digest), undefined, 'partial layer not committed');
    assert.equal(await dst.sink.has(img.diffIds[2]!), false);
    assert.ok(await dst.sink.has(img.diffIds[0]!), 'finished layers kept');
    const ingests = readdirSync(dst.store.ingestDir);
    assert.equal(ingests.length, 1, 'the partial download is kept for resuming');
    const partial = statSync(join(dst.store.ingestDir, ingests[0]!)).size;
    assert.ok(partial > 0 && partial < bigLayer.size, `partial ${partial} of ${bigLayer.size}`);

    await registry.start();
    dst.sink.hook = undefined;
    const msgs: ProgressMessage[] = [];
    const again = new RegistryHosts();
    try {
      const r = await pullImage({ ref, store: dst.store, hosts: again, layers: dst.sink, onProgress: (m) => msgs.push(m) });
      assert.equal(r.manifestDigest, img.manifestDigest);
    } finally {
      await again.close();
    }
    for (const id of smallIds) assert.ok(msgs.some((m) => m.id === id && m.status === 'Already exists'));
    const firstDl = msgs.find((m) => m.id === bigId && m.status === 'Downloading');
    assert.ok(firstDl && (firstDl.progressDetail?.current ?? 0) > partial, 'download resumed after the partial bytes');
    assert.ok(await dst.store.info(bigLayer.digest));
    assert.deepEqual(readFileSync(join(dst.sink.layerDir(img.diffIds[2]!), 'big')), big);
  });
});
