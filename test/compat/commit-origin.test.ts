// A committed image names where it came from: inspect's Container (the container's ID),
// ContainerConfig (the container's config, its Image as the container was created with) and Parent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('commit origin in image inspect', () => {
  it('Container, ContainerConfig.Image, Parent', async () => {
    const id = await container(t, 'src', { Cmd: ['touch', '/made'] });
    await t.ok('POST', `/containers/${id}/wait`);
    const r = await t.ok('POST', '/commit', { query: { container: id, repo: `${t.run}/origin`, tag: 'latest' } });
    const img = (await t.ok('GET', `/images/${(r.body as { Id: string }).Id}/json`)).body as Record<string, unknown>;
    assert.equal(img.Container, id);
    const cc = img.ContainerConfig as Record<string, unknown>;
    assert.equal(cc.Image, 'busybox:latest');
    assert.deepEqual(cc.Cmd, ['touch', '/made']);
    const base = (await t.ok('GET', '/images/busybox:latest/json')).body as { Id: string };
    assert.equal(img.Parent, base.Id);
  });

  it('an imported image: Container "" and an empty ContainerConfig', async () => {
    const img = (await t.ok('GET', '/images/busybox:latest/json')).body as Record<string, unknown>;
    assert.equal(img.Container, '');
    const cc = img.ContainerConfig as Record<string, unknown>;
    assert.equal(cc.Image, '');
    assert.equal(cc.Cmd, null);
  });
});
