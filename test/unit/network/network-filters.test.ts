// The list and prune filters of networks (docker's keys).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterNetworkList, filterPrunable } from '../../../src/network/network-filters.js';
import { networkRow } from './rows.js';
import { FilterArgs } from '../../../src/filters/mod.js';

describe('network filters', () => {
  const bridge = networkRow({ id: 'aaa1', name: 'bridge', builtin: true, isDefault: true });
  const front = networkRow({ id: 'bbb2', name: 'front', labels: { tier: 'web' }, created: '2020-01-01T00:00:00Z' });
  const back = networkRow({ id: 'ccc3', name: 'back', labels: { tier: 'db', keep: '' } });
  const all = [bridge, front, back];
  const names = (xs: { name: string }[]): string[] => xs.map((x) => x.name);

  it('matches docker\'s list keys', () => {
    const used = new Set(['bbb2']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({}), used)), ['bridge', 'front', 'back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ name: ['ack'] }), used)), ['back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ id: ['bb', 'cc'] }), used)), ['front', 'back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ type: ['builtin'] }), used)), ['bridge']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ type: ['custom'] }), used)), ['front', 'back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ dangling: ['true'] }), used)), ['back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ dangling: ['false'] }), used)), ['bridge', 'front']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ label: ['tier=web'] }), used)), ['front']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ label: ['keep'] }), used)), ['back']);
    assert.deepEqual(names(filterNetworkList(all, FilterArgs.of({ scope: ['swarm'] }), used)), []);
    assert.throws(() => filterNetworkList(all, FilterArgs.of({ until: ['1h'] }), used), /invalid filter 'until'/);
  });

  it('prunes unused user networks by label and until', () => {
    assert.deepEqual(names(filterPrunable(all, FilterArgs.of({}), new Set(['bbb2']))), ['back']);
    assert.deepEqual(names(filterPrunable(all, FilterArgs.of({ 'label!': ['keep'] }), new Set())), ['front']);
    assert.deepEqual(names(filterPrunable(all, FilterArgs.of({ until: ['2021-01-01T00:00:00Z'] }), new Set())), ['front']);
  });
});
