// Network endpoints of the Engine API.
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';

const enc = encodeURIComponent;

export interface NetworkSummary {
  Name: string;
  Id: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkCreateBody {
  Name: string;
  Driver: string;
  Scope?: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM: { Driver: string; Config: IpamConfig[]; Options: Record<string, string> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly: boolean;
  ConfigFrom?: { Network: string };
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface EndpointConfig {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  Links?: string[];
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
  GwPriority?: number;
}

export async function listNetworks(c: ApiClient, filters?: Filters): Promise<NetworkSummary[]> {
  return c.json('GET', '/networks', { query: { filters: encodeFilters(filters) } });
}

export async function inspectNetwork(c: ApiClient, name: string, verbose = false): Promise<NetworkSummary> {
  return c.json('GET', `/networks/${enc(name)}`, { query: { verbose: verbose || undefined } });
}

export async function createNetwork(c: ApiClient, body: NetworkCreateBody): Promise<{ Id: string; Warning?: string }> {
  return c.json('POST', '/networks/create', { body });
}

export async function removeNetwork(c: ApiClient, name: string): Promise<void> {
  await c.call('DELETE', `/networks/${enc(name)}`);
}

export async function connectNetwork(c: ApiClient, network: string, container: string, endpoint: EndpointConfig): Promise<void> {
  await c.call('POST', `/networks/${enc(network)}/connect`, { body: { Container: container, EndpointConfig: endpoint } });
}

export async function disconnectNetwork(c: ApiClient, network: string, container: string, force: boolean): Promise<void> {
  await c.call('POST', `/networks/${enc(network)}/disconnect`, { body: { Container: container, Force: force } });
}

export async function pruneNetworks(c: ApiClient, filters?: Filters): Promise<{ NetworksDeleted?: string[] | null }> {
  return c.json('POST', '/networks/prune', { query: { filters: encodeFilters(filters) } });
}
