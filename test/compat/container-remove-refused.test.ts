// DELETE of a running or paused container without force: 409 in dockerd's words (clients such as
// docker-py match on "You cannot remove a running container").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget, messageOf } from './harness.js';
import { container } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('remove without force', () => {
  it('a running container: 409, "You cannot remove a running container <id>. Stop …"', async () => {
    const id = await container(t, 'running', { Cmd: ['sleep', '300'] });
    const r = await t.api('DELETE', `/containers/${id}`);
    assert.equal(r.status, 409);
    assert.equal(messageOf(r), `You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`);
  });

  it('a paused container: "Unpause and then stop …"', async () => {
    const id = await container(t, 'paused', { Cmd: ['sleep', '300'] });
    await t.ok('POST', `/containers/${id}/pause`);
    const r = await t.api('DELETE', `/containers/${id}`);
    assert.equal(r.status, 409);
    assert.equal(messageOf(r), `You cannot remove a paused container ${id}. Unpause and then stop the container before attempting removal or force remove`);
    await t.ok('POST', `/containers/${id}/unpause`);
  });
});
