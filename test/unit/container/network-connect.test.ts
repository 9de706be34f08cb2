// network connect/disconnect through the container service: recorded for a container that is not
// running, made at once (and recorded) for a running one.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsConfigOf } from '../../../src/container/endpoints-config.js';
import { ForbiddenError } from '../../../src/errors.js';
import { IMAGE, type ServiceFixture, serviceFixture } from './service-fixture.js';

describe('ContainerService network connect', () => {
  let f: ServiceFixture;
  beforeEach(async () => {
    f = await serviceFixture();
    f.network.networks.add('app');
  });
  afterEach(() => f.close());

  const networksOf = (id: string): Record<string, unknown> => endpointsConfigOf(f.service.store.get(id)!);

  it('records changes to a created container and makes none at once', async () => {
    const { Id: id } = await f.service.create('web', { Image: IMAGE });
    assert.deepEqual(networksOf(id), { bridge: {} });
    await f.service.disconnectNetwork(id, 'bridge');
    await f.service.connectNetwork(id, 'id-app', { Aliases: ['front'] });
    assert.deepEqual(networksOf(id), { app: { Aliases: ['front'] } });
    await assert.rejects(f.service.disconnectNetwork(id, 'bridge'), (e) => e instanceof ForbiddenError && /is not connected to network bridge/.test(e.message));
    assert.deepEqual(f.network.live, []);
  });

  it('connects a running container at once and keeps it for the next start', async () => {
    const { Id: id } = await f.service.create('web', { Image: IMAGE });
    await f.service.start(id);
    await f.service.connectNetwork(id, 'app', null);
    await f.service.disconnectNetwork(id, 'bridge');
    assert.deepEqual(f.network.live, [`connect app ${id}`, `disconnect bridge ${id}`]);
    assert.deepEqual(networksOf(id), { app: {} });
  });

  it('refuses an unknown network at create, as docker does', async () => {
    await assert.rejects(f.service.create('lost', { Image: IMAGE, HostConfig: { NetworkMode: 'nosuch' } }), /network nosuch not found/);
  });
});
