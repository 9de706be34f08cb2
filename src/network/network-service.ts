// The network service: docker's networks (bridge by default, user-defined bridges, host, none) on the
// standard CNI plugins, with berth's own bookkeeping, DNS and published ports. A facade over its
// parts (docs/networking.md names them): network records, subnet allocator, sandbox pool, CNI
// endpoints and config, container attachment, port publisher, DNS name index and servers, the
// container /etc files, the docker-format view and the list filters.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { EndpointSettings, NetworkCreateRequest, NetworkResource, NetworkSettingsApi, PortApi } from './api-types.js';
import { bridgeExists, deleteBridge, ensureBridge, hostSubnets } from './bridge-device.js';
import { CniEndpoints, nextIfname } from './cni-endpoints.js';
import { CniPlugins } from './cni-exec.js';
import { checkConnect, checkDisconnect, notConnectedError } from './connect-rules.js';
import { addHostsAddress, removeHostsAddress } from './container-etc-files.js';
import { ContainerAttachment, sandboxSettings, type AttachRequest, type AttachResult } from './container-attachment.js';
import { DnsNameIndex } from './dns-name-index.js';
import { applyRules, listRules, removeRules } from './firewall-rules.js';
import { listLeases, removeNetworkLeases } from './host-local-leases.js';
import { formatCidr, formatIPv4, parseCidr } from './ipv4.js';
import { parseCidr6 } from './ipv6.js';
import { listNetns, prepareNetnsDir, usernsFileOf, type NetnsOwner } from './netns.js';
import { NetworkDns } from './network-dns.js';
import { filterNetworkList, filterPrunable } from './network-filters.js';
import { FilterArgs } from '../filters/mod.js';
import {
  BRIDGE_NAME_OPT, ICC_OPT, MASQ_OPT, NetworkRecords, bridgeNameFor, builtinNetworkRow, checkCreateRequest, defaultBridgeRow,
  hasDns, mtuOf, newId, userNetworkRow, usesIPv6,
} from './network-records.js';
import { NetworkStore, type NetworkRow, type SandboxRow } from './network-store.js';
import { networkResourceView, portsView } from './network-view.js';
import { PortPublisher } from './port-publisher.js';
import { SandboxPool } from './sandbox-pool.js';
import { NO_IPV6_POOL, SubnetAllocator, ipv4Config, ipv6Config, subnet6Choice } from './subnet-allocator.js';
import type { Allocations, NetworkServiceOptions } from './network-service-options.js';

export type { AttachRequest, AttachResult, ContainerFiles } from './container-attachment.js';
export type { Allocations, NetworkServiceOptions } from './network-service-options.js';
export { PortAllocatedError } from './port-publisher.js';
export type { AddressPool } from './subnet-allocator.js';

/** A sandbox's mode as HostConfig.NetworkMode spells it (for the connect rules). */
function modeTextOf(s: SandboxRow): string {
  return s.mode === 'container' ? `container:${s.sharesWith ?? ''}` : s.mode;
}

export class NetworkService {
  readonly store: NetworkStore;
  private readonly records: NetworkRecords;
  private readonly ipamDir: string;
  private readonly bridgePrefix: string;
  private readonly chainPrefix: string;
  private readonly subnets: SubnetAllocator;
  private readonly endpoints: CniEndpoints;
  private readonly pool: SandboxPool;
  private readonly ports = new PortPublisher();
  private readonly names: DnsNameIndex;
  private readonly dns: NetworkDns;
  private readonly attachment: ContainerAttachment;

  constructor(private readonly o: NetworkServiceOptions) {
    this.store = new NetworkStore(o.db);
    this.records = new NetworkRecords(this.store);
    this.ipamDir = join(o.runDir, 'cni', 'ipam');
    this.bridgePrefix = o.bridgePrefix ?? 'berth';
    this.chainPrefix = o.chainPrefix ?? 'BERTH';
    this.subnets = new SubnetAllocator(this.store, o.addressPools);
    const plugins = new CniPlugins(o.cniPluginDirs ?? ['/usr/lib/cni', '/opt/cni/bin']);
    this.endpoints = new CniEndpoints(this.records, plugins, this.ipamDir);
    const owner: NetnsOwner | undefined = o.userns ? { usernsDir: join(o.runDir, 'userns'), idMap: o.userns } : undefined;
    this.pool = new SandboxPool(this.store, this.endpoints, join(o.runDir, 'netns'), owner, o.spareSandboxes ?? 2);
    this.names = new DnsNameIndex(this.store);
    this.dns = new NetworkDns(this.store, this.names, {
      ...(o.dnsPort !== undefined ? { port: o.dnsPort } : {}),
      ...(o.dnsUpstreams ? { upstreams: o.dnsUpstreams } : {}),
      ...(o.hostResolvConf ? { hostResolvConf: o.hostResolvConf } : {}),
    });
    this.attachment = new ContainerAttachment({
      records: this.records, pool: this.pool, endpoints: this.endpoints, ports: this.ports, names: this.names,
      ...(o.events ? { events: o.events } : {}),
      ...(o.hostResolvConf ? { hostResolvConf: o.hostResolvConf } : {}),
    });
  }

  /** Makes or verifies the default `bridge` network and the `host` and `none` entries, and brings up
   *  every network's bridge, firewall rules and DNS server. Call reconcile() next. */
  async init(): Promise<void> {
    await prepareNetnsDir(this.pool.netnsDir);
    if (this.pool.netnsOwner) await prepareNetnsDir(this.pool.netnsOwner.usernsDir);
    await mkdir(this.ipamDir, { recursive: true });
    const existing = this.store.networks();
    if (!existing.some((n) => n.driver === 'host')) this.store.insertNetwork(builtinNetworkRow('host', 'host'));
    if (!existing.some((n) => n.driver === 'null')) this.store.insertNetwork(builtinNetworkRow('none', 'null'));
    if (!existing.some((n) => n.isDefault)) {
      const subnet = this.o.defaultSubnet ? parseCidr(this.o.defaultSubnet) : await this.subnets.pick(16);
      this.store.insertNetwork(defaultBridgeRow(this.o.defaultBridgeName ?? 'berth0', formatCidr(subnet), formatIPv4(subnet.base + 1)));
    }
    for (const n of this.store.networks()) if (n.driver === 'bridge') await this.bringUpBridge(n);
    await this.syncRules();
    for (const n of this.store.networks()) if (hasDns(n)) await this.dns.start(n);
  }

  /**
   * After a start (or a crash of berthd): releases everything of containers not in `running`, finishes
   * interrupted teardowns, removes namespaces and leases nobody owns, and reopens published ports of
   * running containers. Running containers keep their addresses.
   */
  async reconcile(runningContainerIds: Iterable<string>): Promise<void> {
    const running = new Set(runningContainerIds);
    for (const s of this.store.sandboxes()) {
      if (s.state === 'attached' && s.containerId && running.has(s.containerId)) await this.attachment.resumePorts(s);
      else if (s.state !== 'ready' || s.containerId !== null) this.pool.release(s);
    }
    await this.idle();
    await this.pool.removeStrayNamespaces(join(this.o.runDir, 'userns'));
    await this.endpoints.releaseStrayLeases(new Set(this.store.sandboxes().map((s) => s.id)));
    this.names.invalidate();
    this.pool.scheduleRefill(0);
  }

  /** Stops DNS servers and port listeners and waits for background work; the datapath of running
   *  containers stays (reconcile() picks it up at the next start). */
  async close(): Promise<void> {
    await this.pool.close();
    await this.dns.stopAll();
    await this.ports.closeAll();
  }

  /** Removes everything berth made: containers' stacks, spare sandboxes, bridges, rules (tests). */
  async destroyAll(): Promise<void> {
    for (const s of this.store.sandboxes()) this.pool.release(s);
    await this.close();
    for (const n of this.store.networks()) {
      if (n.driver === 'bridge') await deleteBridge(n.bridge!);
      await removeNetworkLeases(this.ipamDir, n.id);
    }
    await removeRules(this.chainPrefix);
  }

  /** Resolves when the background queue (teardowns, spare sandboxes) is empty. */
  idle(): Promise<void> {
    return this.pool.idle();
  }

  async create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    checkCreateRequest(req, this.store.networks());
    const cfg = ipv4Config(req.IPAM?.Config);
    const cfg6 = ipv6Config(req.IPAM?.Config);
    if (req.EnableIPv6 && !cfg6) throw new NotFoundError(NO_IPV6_POOL);
    const v6 = cfg6
      ? subnet6Choice(cfg6, [...this.store.networks().flatMap((n) => (n.subnet6 ? [n.subnet6] : [])), ...(await hostSubnets(6))])
      : undefined;
    const { subnet, gateway, ipRange } = await this.subnets.forRequest(cfg);
    const id = newId();
    const bridge = req.Options?.[BRIDGE_NAME_OPT] || bridgeNameFor(this.bridgePrefix, id);
    if (bridge.length > 15) throw new InvalidArgumentError(`bridge name ${bridge} is longer than 15 characters`);
    if (this.store.networks().some((n) => n.bridge === bridge) || (await bridgeExists(bridge))) {
      throw new ConflictError(`bridge name ${bridge} is already in use`);
    }
    const row = userNetworkRow(req, id, bridge, {
      subnet: formatCidr(subnet), gateway: formatIPv4(gateway), ipRange, ...(cfg.AuxiliaryAddresses ? { auxAddresses: cfg.AuxiliaryAddresses } : {}),
      ...(v6 ? { v6 } : {}),
    });
    this.store.insertNetwork(row);
    try {
      await this.bringUpBridge(row);
      await this.syncRules();
      if (hasDns(row)) await this.dns.start(row);
    } catch (err) {
      this.store.deleteNetwork(id);
      await deleteBridge(bridge);
      await this.syncRules().catch(() => undefined);
      throw err;
    }
    this.o.events?.emit('network', 'create', id, { name: row.name, type: row.driver });
    return { Id: id, Warning: '' };
  }

  list(filters: FilterArgs = FilterArgs.empty()): NetworkResource[] {
    return filterNetworkList(this.store.networks(), filters, this.networksInUse()).map((n) => networkResourceView(n));
  }

  inspect(idOrName: string, _opts: { verbose?: boolean } = {}): NetworkResource {
    const n = this.find(idOrName);
    const members = this.records.activeEndpoints().filter((e) => e.networkId === n.id).map((endpoint) => {
      const s = this.store.sandbox(endpoint.sandboxId)!;
      return { containerId: s.containerId!, containerName: s.containerName ?? '', endpoint };
    });
    return networkResourceView(n, members);
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.find(idOrName);
    if (n.builtin) throw new ForbiddenError(`${n.name} is a pre-defined network and cannot be removed`);
    if (this.networksInUse().has(n.id)) {
      throw new ForbiddenError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    }
    // Endpoints still being torn down hold host-local leases: let them finish first.
    await this.idle();
    await this.dns.stop(n.id);
    this.store.deleteNetwork(n.id);
    await this.syncRules();
    await deleteBridge(n.bridge!);
    await removeNetworkLeases(this.ipamDir, n.id);
    this.o.events?.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
  }

  async prune(filters: FilterArgs = FilterArgs.empty()): Promise<{ NetworksDeleted: string[] }> {
    const deleted: string[] = [];
    for (const n of filterPrunable(this.store.networks(), filters, this.networksInUse())) {
      await this.remove(n.id);
      deleted.push(n.name);
    }
    this.o.events?.emit('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted };
  }

  /**
   * Checks that a container that is not running may join a network (docker records the request and
   * makes the endpoint at the next start); returns the network.
   */
  checkConnect(idOrName: string, networkMode: string, cfg: EndpointSettings | null = null): NetworkRow {
    const n = this.find(idOrName);
    checkConnect(n, networkMode, cfg);
    return n;
  }

  /** Checks that a container that is not running may leave a network; returns the network. */
  checkDisconnect(idOrName: string, networkMode: string): NetworkRow {
    const n = this.find(idOrName);
    checkDisconnect(n, networkMode);
    return n;
  }

  /** Connects a running container (one attached with attachContainer) to another network, its
   *  address added to the container's /etc/hosts. */
  async connect(idOrName: string, containerId: string, endpointConfig: EndpointSettings | null = null): Promise<void> {
    const n = this.find(idOrName);
    const s = this.records.attachedSandbox(containerId);
    checkConnect(n, modeTextOf(s), endpointConfig);
    const eps = this.store.endpointsOfSandbox(s.id);
    if (eps.some((e) => e.networkId === n.id)) {
      throw new ForbiddenError(`endpoint with name ${s.containerName} already exists in network ${n.name}`);
    }
    const firstIp = this.records.firstAddress(s.id);
    const ep = await this.endpoints.add(s, n, nextIfname(eps), false, endpointConfig).catch(async (err: unknown) => {
      await this.dropEndpoint(s, n.id);
      throw err;
    });
    this.names.invalidate();
    if (s.filesDir) {
      for (const ip of [ep.ip, ep.ip6]) {
        if (ip) await addHostsAddress(s.filesDir, ip, { ...(firstIp ? { namesOf: firstIp } : {}), names: [s.hostname ?? s.containerName ?? ''] });
      }
    }
    this.o.events?.emit('network', 'connect', n.id, { container: s.containerId!, name: n.name, type: n.driver });
  }

  /** Disconnects a running container from a network, its address taken out of its /etc/hosts. */
  async disconnect(idOrName: string, containerId: string, _force = false): Promise<void> {
    const n = this.find(idOrName);
    const s = this.records.attachedSandbox(containerId);
    checkDisconnect(n, modeTextOf(s));
    const ep = this.store.endpointsOfSandbox(s.id).find((e) => e.networkId === n.id);
    if (!ep) throw notConnectedError(containerId, n);
    await this.dropEndpoint(s, n.id);
    if (s.filesDir) for (const ip of [ep.ip, ep.ip6]) if (ip) await removeHostsAddress(s.filesDir, ip);
    this.o.events?.emit('network', 'disconnect', n.id, { container: s.containerId!, name: n.name, type: n.driver });
  }

  /** The user namespace owning the network namespace file `netnsPath` (a remapped daemon's), if any. */
  usernsOf(netnsPath: string): string | undefined {
    const { netnsDir, netnsOwner } = this.pool;
    return netnsOwner && netnsPath.startsWith(`${netnsDir}/`) ? usernsFileOf(netnsPath, netnsOwner) : undefined;
  }

  /** Makes a container's network stack before its process starts: namespace, interfaces, addresses,
   *  published ports, and its hosts/resolv.conf/hostname files. */
  attachContainer(c: AttachRequest): Promise<AttachResult> {
    return this.attachment.attach(c);
  }

  /** Releases a container's network stack: ports at once, interfaces and addresses in the background.
   *  Idempotent; safe after crashes. */
  detachContainer(containerId: string): Promise<void> {
    return this.attachment.detach(containerId);
  }

  networkSettings(containerId: string): NetworkSettingsApi | undefined {
    const s = this.store.sandboxOfContainer(containerId);
    return s ? sandboxSettings(this.store, s) : undefined;
  }

  /** Published and exposed ports as `ps` lists them. */
  portsOf(containerId: string): PortApi[] {
    const s = this.store.sandboxOfContainer(containerId);
    return s ? portsView(s) : [];
  }

  /** portsOf for every container that has ports, in one read (ps of hundreds of containers); absent: none. */
  portsByContainer(): Map<string, PortApi[]> {
    const out = new Map<string, PortApi[]>();
    for (const s of this.store.sandboxesWithPorts()) if (s.containerId && !out.has(s.containerId)) out.set(s.containerId, portsView(s));
    return out;
  }

  async allocations(): Promise<Allocations> {
    return {
      sandboxes: this.store.sandboxes(),
      endpoints: this.store.endpoints(),
      netnsFiles: await listNetns(this.pool.netnsDir),
      leases: (await listLeases(this.ipamDir)).map(({ network, ip, owner }) => ({ network, ip, owner })),
      rules: await listRules(this.chainPrefix),
      listeners: this.ports.list(),
      dnsServers: this.dns.networks(),
    };
  }

  /** docker's lookup order: full ID, exact name, unique ID prefix. */
  find(idOrName: string): NetworkRow {
    return this.records.find(idOrName);
  }

  /** A sandbox's endpoint on a network released (CNI DEL) and its row gone. */
  private async dropEndpoint(s: SandboxRow, networkId: string): Promise<void> {
    const ep = this.store.endpointsOfSandbox(s.id).find((e) => e.networkId === networkId);
    if (!ep) return;
    this.store.updateEndpoint({ ...ep, state: 'releasing' });
    this.names.invalidate();
    if (ep.ifname) await this.endpoints.del(s, ep).catch(() => undefined);
    this.store.deleteEndpoint(ep.id);
  }

  private networksInUse(): Set<string> {
    return new Set(this.records.activeEndpoints().map((e) => e.networkId));
  }

  private async bringUpBridge(n: NetworkRow): Promise<void> {
    await ensureBridge({
      name: n.bridge!, address: `${n.gateway}/${parseCidr(n.subnet!).prefix}`, mtu: mtuOf(n),
      ...(usesIPv6(n) ? { address6: `${n.gateway6}/${parseCidr6(n.subnet6!).prefix}` } : {}),
    });
  }

  private async syncRules(): Promise<void> {
    const bridges = this.store.networks().filter((n) => n.driver === 'bridge');
    await applyRules(this.chainPrefix, bridges.map((n) => ({
      bridge: n.bridge!,
      subnet: n.subnet!,
      gateway: n.gateway!,
      internal: n.internal,
      masquerade: n.options[MASQ_OPT] !== 'false',
      icc: n.options[ICC_OPT] !== 'false',
      dns: hasDns(n),
      ...(usesIPv6(n) ? { subnet6: n.subnet6! } : {}),
    })));
  }
}
