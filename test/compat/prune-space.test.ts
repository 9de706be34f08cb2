// POST /containers/prune reports the space it freed: the removed containers' writable layers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('container prune', () => {
  it('SpaceReclaimed counts what the pruned containers wrote; a running one stays', async () => {
    const wrote = await container(t, 'wrote', { Cmd: ['sh', '-c', 'head -c 100000 /dev/zero > /data'] });
    const running = await container(t, 'running', { Cmd: ['sleep', '300'] });
    await t.ok('POST', `/containers/${wrote}/wait`);
    const r = await t.ok('POST', '/containers/prune', { filters: { label: [t.label] } });
    const body = r.body as { ContainersDeleted: string[] | null; SpaceReclaimed: number };
    assert.deepEqual(body.ContainersDeleted, [wrote]);
    assert.ok(body.SpaceReclaimed >= 100000, String(body.SpaceReclaimed));
    assert.ok(!body.ContainersDeleted?.includes(running));
  });
});
