// What the network service is made with, and what its allocations() reports.
import type { EventBus } from '../events/event-bus.js';
import type { IdMap } from '../oci/id-map.js';
import type { Upstream } from './dns-server.js';
import type { Db, EndpointRow, SandboxRow } from './network-store.js';
import type { AddressPool } from './subnet-allocator.js';

export interface NetworkServiceOptions {
  db: Db;
  events?: EventBus;
  /** Where namespace files and CNI's lease files live (tmpfs: gone with a reboot, like the containers). */
  runDir: string;
  cniPluginDirs?: string[];
  /** Prefix of user networks' bridge names (`<prefix>-<id>`, 15 characters at most). */
  bridgePrefix?: string;
  defaultBridgeName?: string;
  defaultSubnet?: string;
  /** Where subnets of networks created without --subnet (and of the default bridge) come from. */
  addressPools?: AddressPool[];
  /** Prefix of berth's iptables chains. */
  chainPrefix?: string;
  /** Spare sandboxes kept ready on the default bridge (0 turns the pool off). */
  spareSandboxes?: number;
  /** The host's resolv.conf (for containers' resolv.conf and the DNS server's upstreams). */
  hostResolvConf?: string;
  /** Overrides the upstream resolvers of the DNS servers (tests point them at a fake one). */
  dnsUpstreams?: Upstream[];
  /** Port of the DNS servers (53; containers cannot be told another). */
  dnsPort?: number;
  /** The daemon remaps ids (--userns-remap): each network namespace is owned by a user namespace with this mapping. */
  userns?: IdMap;
}

/** What is allocated right now (tests and diagnostics). */
export interface Allocations {
  sandboxes: SandboxRow[];
  endpoints: EndpointRow[];
  netnsFiles: string[];
  leases: { network: string; ip: string; owner: string }[];
  rules: string[];
  listeners: { container: string; hostIp: string; hostPort: number; proto: string }[];
  dnsServers: string[];
}
