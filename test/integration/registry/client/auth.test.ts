// Basic (htpasswd) and bearer-token registries: push/pull with credentials, login, identity
// tokens, the token cache, and dockerd's wording of each refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalContentStore } from '../../../../src/content/local-store.js';
import { login, pullImage, pushImage, RegistryHosts } from '../../../../src/registry/client/index.js';
import { RegistryProcess } from '../../../support/registry-process.js';
import { TokenIssuer } from '../../../support/token-issuer.js';
import { buildImage } from '../../../support/test-image.js';
import { DirLayerSink } from '../../../support/dir-layer-sink.js';
import { useRegistry } from '../../../support/registry-fixture.js';

const USER = 'berth';
const PASS = 's3cret-pass';

async function freshStore(work: string, name: string): Promise<{ store: LocalContentStore; sink: DirLayerSink }> {
  return { store: await new LocalContentStore(join(work, name, 'content')).init(), sink: new DirLayerSink(join(work, name, 'layers')) };
}

describe('htpasswd (basic auth) registry', () => {
  const { registry, hosts, fresh } = useRegistry('berth-regauth-', new RegistryProcess({ htpasswd: { username: USER, password: PASS } }));

  test('login, push and pull with credentials; refusals worded as dockerd', async () => {
    assert.deepEqual(await login({ serveraddress: registry.host, username: USER, password: PASS, hosts }), { status: 'Login Succeeded' });
    await assert.rejects(login({ serveraddress: registry.host, username: USER, password: 'wrong', hosts: new RegistryHosts() }), {
      name: 'UnauthorizedError',
      message: `login attempt to http://${registry.host}/v2/ failed with status: 401 Unauthorized`,
    });

    const src = await fresh('src');
    const img = await buildImage(src.store, { layers: [{ files: { f: 'basic' } }] });
    const ref = `${registry.host}/private/app:1`;
    const auth = { username: USER, password: PASS };
    const pushed = await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts, auth });
    assert.equal(pushed.digest, img.manifestDigest);
    const dst = await fresh('dst');
    const r = await pullImage({ ref, store: dst.store, hosts, layers: dst.sink, auth });
    assert.equal(r.manifestDigest, img.manifestDigest);

    const anon = await fresh('anon');
    const noCreds = new RegistryHosts();
    try {
      await assert.rejects(pullImage({ ref, store: anon.store, hosts: noCreds, layers: anon.sink }), {
        name: 'UnauthorizedError',
        message: `Get "http://${registry.host}/v2/private/app/manifests/1": no basic auth credentials`,
      });
      await assert.rejects(pullImage({ ref, store: anon.store, hosts: noCreds, layers: anon.sink, auth: { username: USER, password: 'nope' } }), {
        name: 'UnauthorizedError',
        message: 'unauthorized: authentication required',
      });
    } finally {
      await noCreds.close();
    }
  });
});

describe('token-auth registry', () => {
  const work = mkdtempSync(join(tmpdir(), 'berth-regtoken-'));
  const issuer = new TokenIssuer({ dir: work, username: USER, password: PASS, service: 'berth-test-registry', issuer: 'berth-test-issuer' });
  let registry: RegistryProcess;
  let hosts: RegistryHosts;
  before(async () => {
    await issuer.start();
    registry = new RegistryProcess({ token: { realm: issuer.realm, service: 'berth-test-registry', issuer: 'berth-test-issuer', rootCertBundle: issuer.certPath } });
    await registry.start();
    hosts = new RegistryHosts();
  });
  after(async () => {
    await hosts?.close();
    await registry?.cleanup();
    await issuer.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('bearer tokens per scope, cached; login hands back an identity token that works', async () => {
    const src = await freshStore(work, 'src');
    const img = await buildImage(src.store, { layers: [{ files: { f: 'token' } }, { files: { g: 'two' } }] });
    const ref = `${registry.host}/team/app:1`;
    const auth = { username: USER, password: PASS };
    await pushImage({ ref, manifestDigest: img.manifestDigest, store: src.store, hosts, auth });
    const pushTokens = issuer.requests.filter((r) => r.scopes.includes('repository:team/app:pull,push'));
    assert.equal(pushTokens.length, 1, 'one token for the whole push');

    const dst = await freshStore(work, 'dst');
    const before = issuer.requests.length;
    await pullImage({ ref, store: dst.store, hosts, layers: dst.sink, auth });
    const dst2 = await freshStore(work, 'dst2');
    await pullImage({ ref, store: dst2.store, hosts, layers: dst2.sink, auth });
    const pullTokens = issuer.requests.slice(before).filter((r) => r.scopes.includes('repository:team/app:pull'));
    assert.equal(pullTokens.length, 1, 'the pull scope token is cached across pulls');

    const logged = await login({ serveraddress: `http://${registry.host}`, username: USER, password: PASS, hosts: new RegistryHosts() });
    assert.equal(logged.status, 'Login Succeeded');
    assert.ok(logged.identitytoken, 'refresh token returned as identity token');

    const viaToken = new RegistryHosts();
    try {
      const dst3 = await freshStore(work, 'dst3');
      const r = await pullImage({ ref, store: dst3.store, hosts: viaToken, layers: dst3.sink, auth: { identitytoken: logged.identitytoken } });
      assert.equal(r.manifestDigest, img.manifestDigest);
      assert.ok(issuer.requests.some((q) => q.method === 'POST' && q.grant === 'refresh_token'));
    } finally {
      await viaToken.close();
    }
  });

  test('bad credentials and anonymous access are refused in dockerd\'s words', async () => {
    const h = new RegistryHosts();
    try {
      await assert.rejects(login({ serveraddress: registry.host, username: USER, password: 'wrong', hosts: h }), {
        name: 'UnauthorizedError',
        message: `Get "http://${registry.host}/v2/": unauthorized: incorrect username or password`,
      });
      const dst = await freshStore(work, 'bad');
      await assert.rejects(pullImage({ ref: `${registry.host}/team/app:1`, store: dst.store, hosts: h, layers: dst.sink, auth: { username: USER, password: 'wrong' } }), {
        name: 'UnauthorizedError',
        message: `Get "http://${registry.host}/v2/team/app/manifests/1": unauthorized: incorrect username or password`,
      });
      await assert.rejects(pullImage({ ref: `${registry.host}/team/app:1`, store: dst.store, hosts: h, layers: dst.sink }), {
        name: 'NotFoundError',
        message: `pull access denied for ${registry.host}/team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
      });
    } finally {
      await h.close();
    }
  });
});
