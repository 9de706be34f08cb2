// GET /distribution/{name}/json: a pushed image's descriptor and platforms, read back from a local
// registry (127.0.0.1 is an insecure registry for dockerd and berth alike); docker's errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget, messageOf } from './harness.js';
import { RegistryProcess } from '../support/registry-process.js';

let t: CompatTarget;
const registry = new RegistryProcess();
before(async () => {
  t = await CompatTarget.open();
  await registry.start();
});
after(async () => {
  await t.close();
  await registry.cleanup();
});

describe('GET /distribution/{name}/json', () => {
  it('answers the pushed manifest\'s descriptor and its platform', async () => {
    const name = `${registry.host}/${t.run}/dist:latest`;
    try {
      assert.equal((await t.docker(['tag', 'busybox:latest', name])).code, 0);
      const push = await t.docker(['push', name], { timeoutMs: 60_000 });
      assert.equal(push.code, 0, push.stderr);
      const r = await t.ok('GET', `/distribution/${name}/json`);
      const body = r.body as { Descriptor: { mediaType: string; digest: string; size: number }; Platforms: Array<{ architecture: string; os: string }> };
      const image = (await t.ok('GET', `/images/${name}/json`)).body as { Architecture: string; Os: string; RepoDigests: string[] };
      assert.ok(image.RepoDigests.includes(`${registry.host}/${t.run}/dist@${body.Descriptor.digest}`), `${JSON.stringify(image.RepoDigests)} ${body.Descriptor.digest}`);
      assert.match(body.Descriptor.mediaType, /manifest/);
      assert.ok(body.Descriptor.size > 0);
      assert.deepEqual(body.Platforms.map((p) => [p.os, p.architecture]), [[image.Os, image.Architecture]]);
    } finally {
      await t.api('DELETE', `/images/${name}`);
    }
  });

  it('refuses a bad reference with 400', async () => {
    const r = await t.api('GET', `/distribution/${t.run}/Bad/json`);
    assert.equal(r.status, 400, r.text);
    assert.match(messageOf(r), /^invalid reference format/);
  });

  it('a registry that cannot be reached is a server error naming it', async () => {
    const r = await t.api('GET', '/distribution/127.0.0.1:1/none/json');
    assert.equal(r.status, 500, r.text);
    assert.match(messageOf(r), /127\.0\.0\.1:1/);
  });
});
