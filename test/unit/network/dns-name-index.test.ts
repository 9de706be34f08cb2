// The names the DNS servers answer for (pure index over rows).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNameIndex, dnsNamesOf, reverseName } from '../../../src/network/dns-name-index.js';
import type { EndpointRow, NetworkRow, SandboxRow } from '../../../src/network/network-store.js';
import { endpointRow, networkRow, sandboxRow } from './rows.js';

describe('DNS name index', () => {
  const front = networkRow({ id: 'n1', name: 'Front' });
  const back = networkRow({ id: 'n2', name: 'back' });
  const web = sandboxRow({ id: 's1', containerId: 'abcdef0123456789', containerName: 'Web' });
  const gone = sandboxRow({ id: 's2', containerId: null, containerName: 'old', state: 'releasing' });
  const db = sandboxRow({ id: 's3', containerId: '99aa', containerName: 'db' });
  const endpoints: EndpointRow[] = [
    endpointRow({ id: 'e1', sandboxId: 's1', networkId: 'n1', ip: '10.0.0.2', aliases: ['www'] }),
    endpointRow({ id: 'e2', sandboxId: 's1', networkId: 'n2', ip: '10.1.0.2' }),
    endpointRow({ id: 'e3', sandboxId: 's2', networkId: 'n1', ip: '10.0.0.3' }),
    endpointRow({ id: 'e4', sandboxId: 's3', networkId: 'n1', ip: '10.0.0.4', aliases: ['www'] }),
    endpointRow({ id: 'e5', sandboxId: 's3', networkId: 'n2', ip: '10.1.0.4', state: 'releasing' }),
  ];
  const nets = new Map<string, NetworkRow>([[front.id, front], [back.id, back]]);
  const sandboxes: SandboxRow[] = [web, gone, db];

  it('names a container by name, aliases and short ID, bare and with the network, lower-cased', () => {
    assert.deepEqual(dnsNamesOf(web, endpoints[0]!), ['Web', 'www', 'abcdef012345']);
    const idx = buildNameIndex(sandboxes, endpoints, (id) => nets.get(id));
    const f = idx.get('n1')!;
    assert.deepEqual(f.get('web'), ['10.0.0.2']);
    assert.deepEqual(f.get('web.front'), ['10.0.0.2']);
    assert.deepEqual(f.get('abcdef012345'), ['10.0.0.2']);
    assert.deepEqual(f.get('www'), ['10.0.0.2', '10.0.0.4'], 'a shared alias resolves to every container that has it');
    assert.equal(f.get('old'), undefined, 'sandboxes being released are not named');
    assert.deepEqual(idx.get('n2')!.get('web'), ['10.1.0.2']);
    assert.equal(idx.get('n2')!.get('db'), undefined, 'endpoints being released are not named');
  });

  it('answers reverse lookups with <container>.<network>', () => {
    const byId = new Map(sandboxes.map((s) => [s.id, s]));
    const ofFront = endpoints.filter((e) => e.networkId === 'n1');
    assert.equal(reverseName(front, '10.0.0.4', ofFront, (id) => byId.get(id)), 'db.Front');
    assert.equal(reverseName(front, '10.0.0.3', ofFront, (id) => byId.get(id)), undefined);
    assert.equal(reverseName(front, '10.0.0.99', ofFront, (id) => byId.get(id)), undefined);
  });
});
