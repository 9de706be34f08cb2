// Container ids through a user namespace's map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostOwner, rootPair, toContainerId, toHostId } from '../../../src/oci/id-map.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const MAP = {
  uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
  gidMappings: [{ containerID: 0, hostID: 200000, size: 1000 }],
};

test('ids in a range map by offset, others not at all', () => {
  assert.equal(toHostId(MAP.uidMappings, 0), 100000);
  assert.equal(toHostId(MAP.uidMappings, 65535), 165535);
  assert.equal(toHostId(MAP.uidMappings, 65536), undefined);
  assert.equal(toContainerId(MAP.uidMappings, 100001), 1);
  assert.deepEqual(rootPair(MAP), { uid: 100000, gid: 200000 });
});

test('hostOwner: the id itself without a map, the mapped one with, docker\'s error when unmapped', () => {
  assert.equal(hostOwner(33, undefined, 'uidMappings'), 33);
  assert.equal(hostOwner(33, MAP, 'uidMappings'), 100033);
  assert.equal(hostOwner(33, MAP, 'gidMappings'), 200033);
  assert.throws(() => hostOwner(5000, MAP, 'gidMappings'), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'Container ID 5000 cannot be mapped to a host ID');
});
