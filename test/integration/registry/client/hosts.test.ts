// RegistryHosts against real registries: TLS with a CA and a client certificate from a certs.d
// directory, and mirrors tried in order before the origin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalContentStore } from '../../../../src/content/local-store.js';
import { pullImage, pushImage, RegistryHosts } from '../../../../src/registry/client/index.js';
import { RegistryProcess } from '../../../support/registry-process.js';
import { makeTestCerts } from '../../../support/tls-certs.js';
import { buildImage } from '../../../support/test-image.js';
import { DirLayerSink } from '../../../support/dir-layer-sink.js';

describe('TLS registry with certs.d', () => {
  const work = mkdtempSync(join(tmpdir(), 'berth-regtls-'));
  const certs = makeTestCerts(work);
  const registry = new RegistryProcess({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert } });
  before(async () => {
    await registry.start();
  });
  after(async () => {
    await registry.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('verified https with the CA and client pair from <certs.d>/<host:port>/', async () => {
    const store = await new LocalContentStore(join(work, 'src')).init();
    const img = await buildImage(store, { layers: [{ files: { tls: 'yes' } }] });
    const ref = `${registry.host}/secure/app:1`;

    // No CA: the registry's certificate is not trusted (loopback not treated as insecure here).
    const bare = new RegistryHosts({ certsDirs: [join(work, 'empty')], insecureLoopback: false });
    try {
      await assert.rejects(pushImage({ ref, manifestDigest: img.manifestDigest, store, hosts: bare }), /certificate|self.signed|issuer/i);
    } finally {
      await bare.close();
    }

    const certsD = join(work, 'certs.d');
    mkdirSync(join(certsD, registry.host), { recursive: true });
    copyFileSync(certs.caCert, join(certsD, registry.host, 'ca.crt'));
    copyFileSync(certs.clientCert, join(certsD, registry.host, 'client.cert'));
    copyFileSync(certs.clientKey, join(certsD, registry.host, 'client.key'));
    const hosts = new RegistryHosts({ certsDirs: [join(work, 'none'), certsD], insecureLoopback: false });
    try {
      const pushed = await pushImage({ ref, manifestDigest: img.manifestDigest, store, hosts });
      assert.equal(pushed.digest, img.manifestDigest);
      const dst = await new LocalContentStore(join(work, 'dst')).init();
      const r = await pullImage({ ref, store: dst, hosts, layers: new DirLayerSink(join(work, 'layers')) });
      assert.equal(r.manifestDigest, img.manifestDigest);
    } finally {
      await hosts.close();
    }
  });
});

describe('registry mirrors', () => {
  const work = mkdtempSync(join(tmpdir(), 'berth-regmirror-'));
  const origin = new RegistryProcess();
  const mirror = new RegistryProcess();
  const down = new RegistryProcess();
  before(async () => {
    await origin.start();
    await mirror.start();
    await down.start();
    await down.kill(); // a mirror that does not answer
  });
  after(async () => {
    await origin.cleanup();
    await mirror.cleanup();
    await down.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('mirrors are tried in order, falling back to the origin', async () => {
    const store = await new LocalContentStore(join(work, 'src')).init();
    const onMirror = await buildImage(store, { layers: [{ files: { where: 'mirror' } }] });
    const onOrigin = await buildImage(store, { layers: [{ files: { where: 'origin' } }] });
    const plain = new RegistryHosts();
    try {
      // The mirror holds the same repository path the origin would.
      await pushImage({ ref: `${mirror.host}/lib/app:1`, manifestDigest: onMirror.manifestDigest, store, hosts: plain });
      await pushImage({ ref: `${origin.host}/lib/other:1`, manifestDigest: onOrigin.manifestDigest, store, hosts: plain });
    } finally {
      await plain.close();
    }
    const hosts = new RegistryHosts({ mirrors: { [origin.host]: [`http://${down.host}`, `http://${mirror.host}`] } });
    try {
      const a = await new LocalContentStore(join(work, 'a')).init();
      const ra = await pullImage({ ref: `${origin.host}/lib/app:1`, store: a, hosts, layers: new DirLayerSink(join(work, 'la')) });
      assert.equal(ra.manifestDigest, onMirror.manifestDigest, 'served by the mirror (the origin does not have it)');
      const b = await new LocalContentStore(join(work, 'b')).init();
      const rb = await pullImage({ ref: `${origin.host}/lib/other:1`, store: b, hosts, layers: new DirLayerSink(join(work, 'lb')) });
      assert.equal(rb.manifestDigest, onOrigin.manifestDigest, 'mirror lacks it: the origin serves it');
      // Pushes never go to mirrors.
      assert.deepEqual(hosts.endpoints(origin.host, { push: true }).map((e) => e.mirror), [false, false]);
    } finally {
      await hosts.close();
    }
  });
});
