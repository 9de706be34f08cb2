// A container's configured networks: filled at create, read back for records from before that.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configuredNetworks, endpointsConfigOf, initialEndpointsConfig } from '../../../src/container/endpoints-config.js';
import type { ContainerRecord } from '../../../src/container/container-record.js';

const names: Record<string, string> = { bridge: 'bridge', abc123: 'app', app: 'app', host: 'host' };
const nameOf = (ref: string): string => {
  const n = names[ref];
  if (!n) throw new Error(`network ${ref} not found`);
  return n;
};

describe('endpoints config', () => {
  it('holds the mode\'s network and the requested ones, keyed by name', () => {
    assert.deepEqual(initialEndpointsConfig('bridge', null, nameOf), { bridge: {} });
    assert.deepEqual(initialEndpointsConfig('default', { default: { Aliases: [] } }, nameOf), { bridge: { Aliases: [] } });
    assert.deepEqual(initialEndpointsConfig('app', { abc123: { Aliases: ['a'] } }, nameOf), { app: { Aliases: ['a'] } });
    assert.deepEqual(initialEndpointsConfig('bridge', { app: null }, nameOf), { app: {}, bridge: {} });
    assert.deepEqual(initialEndpointsConfig('container:x', { app: null }, nameOf), {});
    assert.throws(() => initialEndpointsConfig('nope', null, nameOf), /not found/);
  });

  it('puts the deprecated Config.MacAddress on the mode\'s network', () => {
    assert.deepEqual(initialEndpointsConfig('app', null, nameOf, '02:42:00:00:00:01'), { app: { MacAddress: '02:42:00:00:00:01' } });
    assert.deepEqual(initialEndpointsConfig('app', { app: { MacAddress: '02:42:00:00:00:02' } }, nameOf, '02:42:00:00:00:01'), { app: { MacAddress: '02:42:00:00:00:02' } });
  });

  it('reads the mode\'s network from a record without one', () => {
    const c = { hostConfig: { NetworkMode: 'default' } } as unknown as ContainerRecord;
    assert.deepEqual(endpointsConfigOf(c), { bridge: null });
    assert.deepEqual(endpointsConfigOf({ hostConfig: { NetworkMode: 'container:x' } } as unknown as ContainerRecord), {});
  });

  it('shows what was asked and no addresses', () => {
    const v = configuredNetworks({ app: { Aliases: ['a'], IPAMConfig: { IPv4Address: '10.0.0.9' } }, bridge: null });
    assert.deepEqual(v.app!.Aliases, ['a']);
    assert.deepEqual(v.app!.IPAMConfig, { IPv4Address: '10.0.0.9' });
    assert.equal(v.app!.IPAddress, '');
    assert.equal(v.bridge!.IPAMConfig, null);
  });
});
