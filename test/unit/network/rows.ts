// Rows of the network store for unit tests, with defaults for what a test does not care about.
import type { EndpointRow, NetworkRow, SandboxRow } from '../../../src/network/network-store.js';

export function networkRow(o: Partial<NetworkRow> & { id: string; name: string }): NetworkRow {
  return {
    driver: 'bridge', bridge: `br-${o.id}`, subnet: '10.0.0.0/24', gateway: '10.0.0.1', ipRange: null, subnet6: null, gateway6: null, ipRange6: null,
    internal: false, attachable: false, enableIPv6: false, options: {}, labels: {}, ipamOptions: null, auxAddresses: null,
    created: '2026-01-01T00:00:00.000Z', builtin: false, isDefault: false, ...o,
  };
}

export function sandboxRow(o: Partial<SandboxRow> & { id: string }): SandboxRow {
  return {
    containerId: null, containerName: null, hostname: null, filesDir: null, mode: 'bridge', netnsPath: `/run/netns/${o.id}`,
    sharesWith: null, state: 'attached', dnsServers: [], ports: [], exposed: [], created: 0, ...o,
  };
}

export function endpointRow(o: Partial<EndpointRow> & { id: string; sandboxId: string; networkId: string }): EndpointRow {
  return {
    ifname: 'eth0', ip: null, prefixLen: 24, gateway: '10.0.0.1', mac: null, aliases: [], requestedIp: null, links: [],
    ip6: null, prefixLen6: null, gateway6: null, requestedIp6: null, state: 'active', ...o,
  };
}
