// berth's network records in docker's shapes: a network as `network inspect`/`ls` show it, a
// container's NetworkSettings, and its ports as `ps` lists them. Pure: callers pass the rows.
import type { EndpointSettings, IPAMConfigApi, NetworkResource, NetworkSettingsApi, PortApi, PortMap } from './api-types.js';
import { dnsNamesOf } from './dns-name-index.js';
import { formatIPv6, parseCidr6 } from './ipv6.js';
import type { EndpointRow, NetworkRow, SandboxRow } from './network-store.js';
import { parsePortKey } from './port-requests.js';

/** A container attached to a network (inspect's Containers). */
export interface NetworkMember {
  containerId: string;
  containerName: string;
  endpoint: EndpointRow;
}

/** `members` absent: Containers stays empty (list shows none, as docker's). */
export function networkResourceView(n: NetworkRow, members?: NetworkMember[]): NetworkResource {
  const containers: NetworkResource['Containers'] = {};
  for (const m of members ?? []) {
    const e = m.endpoint;
    containers[m.containerId] = {
      Name: m.containerName,
      EndpointID: e.id,
      MacAddress: e.mac ?? '',
      IPv4Address: e.ip ? `${e.ip}/${e.prefixLen}` : '',
      IPv6Address: e.ip6 ? `${e.ip6}/${e.prefixLen6}` : '',
    };
  }
  const config: IPAMConfigApi[] = n.subnet
    ? [{ Subnet: n.subnet, ...(n.ipRange ? { IPRange: n.ipRange } : {}), Gateway: n.gateway!, ...(n.auxAddresses ? { AuxiliaryAddresses: n.auxAddresses } : {}) }]
    : [];
  // docker shows a v6 subnet's gateway only when it was asked for (not the subnet's ::1).
  if (n.subnet6) {
    const implicit = n.gateway6 === formatIPv6(parseCidr6(n.subnet6).base + 1n);
    config.push({ Subnet: n.subnet6, ...(n.ipRange6 ? { IPRange: n.ipRange6 } : {}), ...(n.gateway6 && !implicit ? { Gateway: n.gateway6 } : {}) });
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv4: n.driver === 'bridge',
    EnableIPv6: n.enableIPv6,
    IPAM: { Driver: 'default', Options: n.ipamOptions, Config: config },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  };
}

/**
 * A container's NetworkSettings from its sandbox and its endpoints with their networks (none for a
 * `container:` sandbox: docker shows no networks there). The top-level address fields are the
 * default bridge's endpoint's, as docker's legacy fields are.
 */
export function networkSettingsView(s: SandboxRow, endpoints: [EndpointRow, NetworkRow][]): NetworkSettingsApi {
  const networks: Record<string, EndpointSettings> = {};
  let top: EndpointRow | undefined;
  for (const [e, n] of endpoints) {
    if (n.isDefault) top = e;
    const userBridge = !n.isDefault && n.driver === 'bridge';
    networks[n.name] = {
      IPAMConfig: e.requestedIp || e.requestedIp6
        ? { ...(e.requestedIp ? { IPv4Address: e.requestedIp } : {}), ...(e.requestedIp6 ? { IPv6Address: e.requestedIp6 } : {}) }
        : null,
      Links: e.links.length > 0 ? e.links : null,
      Aliases: userBridge ? e.aliases : null,
      MacAddress: e.mac ?? '',
      DriverOpts: null,
      NetworkID: n.id,
      EndpointID: e.id,
      Gateway: e.gateway ?? '',
      IPAddress: e.ip ?? '',
      IPPrefixLen: e.prefixLen ?? 0,
      IPv6Gateway: e.gateway6 ?? '',
      GlobalIPv6Address: e.ip6 ?? '',
      GlobalIPv6PrefixLen: e.prefixLen6 ?? 0,
      DNSNames: userBridge ? dnsNamesOf(s, e) : null,
    };
  }
  const ports: PortMap = {};
  if (s.mode === 'bridge') {
    for (const key of s.exposed) ports[normalizePortKey(key)] = null;
    for (const p of s.ports) {
      const key = `${p.containerPort}/${p.proto}`;
      (ports[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    }
  }
  return {
    Bridge: '',
    SandboxID: s.mode === 'host' || s.mode === 'container' ? '' : s.id,
    SandboxKey: s.netnsPath ?? '',
    Ports: ports,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: top?.id ?? '',
    Gateway: top?.gateway ?? '',
    GlobalIPv6Address: top?.ip6 ?? '',
    GlobalIPv6PrefixLen: top?.prefixLen6 ?? 0,
    IPAddress: top?.ip ?? '',
    IPPrefixLen: top?.prefixLen ?? 0,
    IPv6Gateway: top?.gateway6 ?? '',
    MacAddress: top?.mac ?? '',
    Networks: networks,
  };
}

/** Published and exposed ports as `ps` lists them (exposed ones without a binding have no public port). */
export function portsView(s: SandboxRow): PortApi[] {
  const out: PortApi[] = s.ports.map((p) => ({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto }));
  for (const key of s.exposed) {
    const [port, proto] = parsePortKey(key);
    if (!s.ports.some((p) => p.containerPort === port && p.proto === proto)) out.push({ PrivatePort: port, Type: proto });
  }
  return out;
}

function normalizePortKey(key: string): string {
  const [port, proto] = parsePortKey(key);
  return `${port}/${proto}`;
}
