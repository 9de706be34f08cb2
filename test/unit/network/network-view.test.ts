// docker's JSON shapes of networks and of a container's NetworkSettings and ports (pure).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { networkResourceView, networkSettingsView, portsView } from '../../../src/network/network-view.js';
import { endpointRow, networkRow, sandboxRow } from './rows.js';

describe('network view', () => {
  const bridge = networkRow({ id: 'b', name: 'bridge', isDefault: true, builtin: true, subnet: '172.17.0.0/16', gateway: '172.17.0.1' });
  const user = networkRow({ id: 'u', name: 'front', subnet: '10.7.0.0/24', gateway: '10.7.0.1', ipRange: '10.7.0.128/25', labels: { a: 'b' } });
  const host = networkRow({ id: 'h', name: 'host', driver: 'host', bridge: null, subnet: null, gateway: null, builtin: true });

  it('shows a network as inspect does, with its containers', () => {
    const e = endpointRow({ id: 'e1', sandboxId: 's', networkId: 'u', ip: '10.7.0.130', mac: '02:42:0a:07:00:82' });
    const r = networkResourceView(user, [{ containerId: 'c1', containerName: 'web', endpoint: e }]);
    assert.deepEqual(r.IPAM.Config, [{ Subnet: '10.7.0.0/24', IPRange: '10.7.0.128/25', Gateway: '10.7.0.1' }]);
    assert.deepEqual(r.Containers, { c1: { Name: 'web', EndpointID: 'e1', MacAddress: '02:42:0a:07:00:82', IPv4Address: '10.7.0.130/24', IPv6Address: '' } });
    assert.equal(r.EnableIPv4, true);
    assert.deepEqual(r.Labels, { a: 'b' });
    const h = networkResourceView(host);
    assert.deepEqual(h.IPAM.Config, []);
    assert.equal(h.EnableIPv4, false);
    assert.deepEqual(h.Containers, {});
  });

  it('fills the legacy top-level fields from the default bridge; aliases and DNS names only on user networks', () => {
    const s = sandboxRow({
      id: 's', containerId: '0123456789abcdef', containerName: 'web', exposed: ['443/tcp', '53/UDP'],
      ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }],
    });
    const eb = endpointRow({ id: 'eb', sandboxId: 's', networkId: 'b', ip: '172.17.0.2', prefixLen: 16, gateway: '172.17.0.1', mac: 'm1' });
    const eu = endpointRow({ id: 'eu', sandboxId: 's', networkId: 'u', ip: '10.7.0.130', aliases: ['www'], requestedIp: '10.7.0.130' });
    const v = networkSettingsView(s, [[eb, bridge], [eu, user]]);
    assert.equal(v.IPAddress, '172.17.0.2');
    assert.equal(v.IPPrefixLen, 16);
    assert.equal(v.MacAddress, 'm1');
    assert.equal(v.SandboxID, 's');
    assert.equal(v.Networks.bridge!.Aliases, null);
    assert.equal(v.Networks.bridge!.DNSNames, null);
    assert.deepEqual(v.Networks.front!.Aliases, ['www']);
    assert.deepEqual(v.Networks.front!.DNSNames, ['web', 'www', '0123456789ab']);
    assert.deepEqual(v.Networks.front!.IPAMConfig, { IPv4Address: '10.7.0.130' });
    assert.deepEqual(v.Ports, { '443/tcp': null, '53/udp': null, '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  });

  it('host and container sandboxes have no sandbox ID nor ports', () => {
    const s = sandboxRow({ id: 's', mode: 'host', netnsPath: null, exposed: ['80/tcp'] });
    const v = networkSettingsView(s, []);
    assert.equal(v.SandboxID, '');
    assert.deepEqual(v.Ports, {});
    assert.equal(v.IPAddress, '');
  });

  it('lists published ports, then exposed ones without a binding', () => {
    const s = sandboxRow({ id: 's', exposed: ['80/tcp', '81'], ports: [{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 9000 }] });
    assert.deepEqual(portsView(s), [
      { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 9000, Type: 'tcp' },
      { PrivatePort: 81, Type: 'tcp' },
    ]);
  });
});
