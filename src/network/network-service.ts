// The network service: docker's networks (bridge by default, user-defined bridges, host, none) on the
// standard CNI plugins, with berth's own bookkeeping, DNS and published ports.
//
// Where the time goes when a container starts: a namespace (unshare, ~6 ms) and the CNI bridge
// plugin's ADD (veth + host-local IPAM, 20-40 ms here). The default bridge keeps a few spare
// sandboxes (namespace + ADD done in the background), so attaching a container to it is a row update;
// teardown (CNI DEL, namespace removal) runs in the background too, with its intent in SQLite so a
// crash of berthd never leaks it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { ACCEPTED_FILTERS, FilterArgs, createdNotAfter, pruneUntil } from '../filters/mod.js';
import { BerthError, ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError, errorMessage } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type {
  EndpointSettings,
  HostConfigNet,
  NetworkCreateRequest,
  NetworkResource,
  NetworkSettingsApi,
  PortApi,
  PortMap,
} from './api-types.js';
import { bridgeExists, deleteBridge, ensureBridge, hostSubnets } from './bridge-device.js';
import { CniPlugins, type CniResult } from './cni-exec.js';
import { DnsServer, type Upstream } from './dns-server.js';
import { applyRules, listRules, removeRules, type FirewallNetwork } from './firewall-rules.js';
import { parseExtraHosts, renderHostsFile, selfNames, type HostsEntry } from './hosts-file.js';
import { cidrContains, cidrOverlaps, cidrSize, formatCidr, formatIPv4, hostRange, parseCidr, parseIPv4, type Cidr } from './ipv4.js';
import { createNetns, listNetns, type NetnsOwner, prepareNetnsDir, removeNetns, usernsFileOf } from './netns.js';
import type { IdMap } from '../oci/id-map.js';
import { NetworkStore, type Db, type EndpointRow, type NetworkMode, type NetworkRow, type PublishedPort, type SandboxRow } from './network-store.js';
import { listenTcp, listenUdp, type Listener } from './port-proxy.js';
import { parsePortKey, portRequests, type PortRequest } from './port-requests.js';
import { containerResolvConf, parseResolvConf } from './resolv-conf.js';

export interface AddressPool {
  base: string;
  size: number;
}

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

export interface AttachRequest {
  id: string;
  name: string;
  hostname: string;
  domainname?: string;
  hostConfig: HostConfigNet;
  exposedPorts?: Record<string, unknown> | null;
  endpointsConfig?: Record<string, EndpointSettings | null> | null;
  /** Directory where hosts, resolv.conf and hostname are written. */
  filesDir: string;
}

export interface ContainerFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

export interface AttachResult {
  /** The namespace file the runtime joins; undefined in host mode. */
  netnsPath?: string;
  mode: NetworkMode;
  /** For `container:` mode: the ID of the container whose stack is shared. */
  containerNetnsOf?: string;
  files: ContainerFiles;
  networkSettings: NetworkSettingsApi;
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

const DEFAULT_POOLS: AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

const DOCKER_BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
const MASQ_OPT = 'com.docker.network.bridge.enable_ip_masquerade';
const ICC_OPT = 'com.docker.network.bridge.enable_icc';
const MTU_OPT = 'com.docker.network.driver.mtu';
const HOST_BINDING_OPT = 'com.docker.network.bridge.host_binding_ipv4';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ZERO_TIME = '0001-01-01T00:00:00Z';

const newId = (): string => randomBytes(32).toString('hex');

/** "failed programming external connectivity" (docker's 500 when a host port is taken). */
export class PortAllocatedError extends BerthError {}

export class NetworkService {
  readonly store: NetworkStore;
  private readonly plugins: CniPlugins;
  private readonly netnsDir: string;
  private readonly netnsOwner?: NetnsOwner;
  private readonly ipamDir: string;
  private readonly bridgePrefix: string;
  private readonly chainPrefix: string;
  private readonly spares: number;
  private readonly dns = new Map<string, DnsServer>();
  private readonly listeners = new Map<string, Listener[]>();
  private dnsIndex?: Map<string, Map<string, string[]>>;
  private background: Promise<void> = Promise.resolve();
  private pending = 0;
  private closed = false;
  private refillScheduled = false;

  constructor(private readonly o: NetworkServiceOptions) {
    this.store = new NetworkStore(o.db);
    this.plugins = new CniPlugins(o.cniPluginDirs ?? ['/usr/lib/cni', '/opt/cni/bin']);
    this.netnsDir = join(o.runDir, 'netns');
    if (o.userns) this.netnsOwner = { usernsDir: join(o.runDir, 'userns'), idMap: o.userns };
    this.ipamDir = join(o.runDir, 'cni', 'ipam');
    this.bridgePrefix = o.bridgePrefix ?? 'berth';
    this.chainPrefix = o.chainPrefix ?? 'BERTH';
    this.spares = o.spareSandboxes ?? 2;
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  /** Makes or verifies the default `bridge` network and the `host` and `none` entries, and brings up
   *  every network's bridge, firewall rules and DNS server. Call reconcile() next. */
  async init(): Promise<void> {
    await prepareNetnsDir(this.netnsDir);
    if (this.netnsOwner) await prepareNetnsDir(this.netnsOwner.usernsDir);
    await mkdir(this.ipamDir, { recursive: true });
    const existing = this.store.networks();
    if (!existing.some((n) => n.driver === 'host')) this.insertBuiltin('host', 'host');
    if (!existing.some((n) => n.driver === 'null')) this.insertBuiltin('none', 'null');
    if (!existing.some((n) => n.isDefault)) {
      const subnet = this.o.defaultSubnet ? parseCidr(this.o.defaultSubnet) : await this.pickSubnet(16);
      const gw = formatIPv4(subnet.base + 1);
      const bridge = this.o.defaultBridgeName ?? 'berth0';
      this.store.insertNetwork({
        id: newId(),
        name: 'bridge',
        driver: 'bridge',
        bridge,
        subnet: formatCidr(subnet),
        gateway: gw,
        ipRange: null,
        internal: false,
        attachable: false,
        enableIPv6: false,
        options: {
          'com.docker.network.bridge.default_bridge': 'true',
          [ICC_OPT]: 'true',
          [MASQ_OPT]: 'true',
          [HOST_BINDING_OPT]: '0.0.0.0',
          [DOCKER_BRIDGE_NAME_OPT]: bridge,
          [MTU_OPT]: '1500',
        },
        labels: {},
        ipamOptions: null,
        auxAddresses: null,
        created: new Date().toISOString(),
        builtin: true,
        isDefault: true,
      });
    }
    for (const n of this.store.networks()) {
      if (n.driver !== 'bridge') continue;
      await ensureBridge({ name: n.bridge!, address: `${n.gateway}/${parseCidr(n.subnet!).prefix}`, mtu: mtuOf(n) });
    }
    await this.syncRules();
    for (const n of this.store.networks()) {
      if (this.hasDns(n)) await this.startDns(n);
    }
  }

  private insertBuiltin(name: string, driver: string): void {
    this.store.insertNetwork({
      id: newId(), name, driver, bridge: null, subnet: null, gateway: null, ipRange: null, internal: false,
      attachable: false, enableIPv6: false, options: {}, labels: {}, ipamOptions: null, auxAddresses: null,
      created: ZERO_TIME, builtin: true, isDefault: false,
    });
  }

  /**
   * After a start (or a crash of berthd): releases everything of containers not in `running`, finishes
   * interrupted teardowns, removes namespaces and leases nobody owns, and reopens published ports of
   * running containers. Running containers keep their addresses.
   */
  async reconcile(runningContainerIds: Iterable<string>): Promise<void> {
    const running = new Set(runningContainerIds);
    for (const s of this.store.sandboxes()) {
      if (s.state === 'attached' && s.containerId && running.has(s.containerId)) {
        if (!this.listeners.has(s.containerId) && s.ports.length > 0) await this.reopenPorts(s);
        continue;
      }
      if (s.state === 'ready' && s.containerId === null) continue;
      this.release(s);
    }
    await this.idle();
    const known = new Set(this.store.sandboxes().map((s) => s.netnsPath).filter(Boolean));
    for (const f of await listNetns(this.netnsDir)) {
      if (!known.has(f)) await removeNetns(f, this.netnsOwner);
    }
    // User namespaces of network namespaces no sandbox has (all of them when remapping is off now).
    const owned = new Set(this.netnsOwner ? [...known].map((p) => usernsFileOf(p!, this.netnsOwner!)) : []);
    for (const f of await listNetns(join(this.o.runDir, 'userns'))) if (!owned.has(f)) await removeNetns(f);
    const owners = new Set(this.store.sandboxes().map((s) => s.id));
    for (const lease of await this.listLeases()) {
      if (owners.has(lease.owner)) continue;
      const net = this.store.network(lease.network);
      if (net) {
        await this.plugins
          .exec({ command: 'DEL', containerId: lease.owner, netns: '', ifname: lease.ifname, config: this.ipamOnlyConfig(net) })
          .catch(() => undefined);
      }
      await rm(join(this.ipamDir, lease.network, lease.ip), { force: true });
    }
    this.invalidateDns();
    this.scheduleRefill();
  }

  /** Stops DNS servers and port listeners and waits for background work; the datapath of running
   *  containers stays (reconcile() picks it up at the next start). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    for (const s of this.dns.values()) await s.stop();
    this.dns.clear();
    for (const ls of this.listeners.values()) for (const l of ls) await l.close();
    this.listeners.clear();
  }

  /** Removes everything berth made: containers' stacks, spare sandboxes, bridges, rules (tests). */
  async destroyAll(): Promise<void> {
    for (const s of this.store.sandboxes()) this.release(s);
    await this.close();
    for (const n of this.store.networks()) {
      if (n.driver === 'bridge') await deleteBridge(n.bridge!);
      await rm(join(this.ipamDir, n.id), { recursive: true, force: true });
    }
    await removeRules(this.chainPrefix);
  }

  /** Resolves when the background queue (teardowns, spare sandboxes) is empty. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.background;
  }

  // ---------------------------------------------------------------------------------------------
  // Networks

  async create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    const name = req.Name ?? '';
    if (!NAME_RE.test(name)) {
      throw new InvalidArgumentError(`invalid name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    if (this.store.networks().some((n) => n.name === name)) {
      if (['bridge', 'host', 'none'].includes(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network`);
      throw new ConflictError(`network with name ${name} already exists`);
    }
    const driver = req.Driver || 'bridge';
    if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`);
    if (req.EnableIPv6) throw new InvalidArgumentError('IPv6 networks are not supported by berth yet');
    if (req.ConfigOnly || req.ConfigFrom?.Network) throw new InvalidArgumentError('config-only networks are not supported');
    if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') throw new NotFoundError(`plugin "${req.IPAM.Driver}" not found`);
    const configs = (req.IPAM?.Config ?? []).filter((c) => !c.Subnet || !c.Subnet.includes(':'));
    if (configs.length > 1) throw new InvalidArgumentError('berth networks support one IPv4 subnet');
    const cfg = configs[0] ?? {};
    let subnet: Cidr;
    if (cfg.Subnet) {
      subnet = parseCidr(cfg.Subnet);
      if (subnet.prefix > 30) throw new InvalidArgumentError(`subnet ${cfg.Subnet} is too small`);
      await this.checkOverlap(subnet);
    } else {
      if (cfg.IPRange || cfg.Gateway) throw new InvalidArgumentError('ip-range and gateway need a subnet');
      subnet = await this.pickSubnet();
    }
    let gateway = subnet.base + 1;
    if (cfg.Gateway) {
      gateway = parseIPv4(cfg.Gateway);
      if (!cidrContains(subnet, gateway)) throw new InvalidArgumentError(`no matching subnet for gateway ${cfg.Gateway}`);
    }
    let ipRange: string | null = null;
    if (cfg.IPRange) {
      const r = parseCidr(cfg.IPRange);
      if (!cidrContains(subnet, r.base) || r.prefix < subnet.prefix) {
        throw new InvalidArgumentError(`no matching subnet for range ${cfg.IPRange}`);
      }
      ipRange = formatCidr(r);
    }
    const id = newId();
    const options = { ...(req.Options ?? {}) };
    const bridge = options[DOCKER_BRIDGE_NAME_OPT] || this.bridgeNameFor(id);
    if (bridge.length > 15) throw new InvalidArgumentError(`bridge name ${bridge} is longer than 15 characters`);
    if (this.store.networks().some((n) => n.bridge === bridge) || (await bridgeExists(bridge))) {
      throw new ConflictError(`bridge name ${bridge} is already in use`);
    }
    const row: NetworkRow = {
      id,
      name,
      driver,
      bridge,
      subnet: formatCidr(subnet),
      gateway: formatIPv4(gateway),
      ipRange,
      internal: req.Internal === true,
      attachable: req.Attachable === true,
      enableIPv6: false,
      options,
      labels: { ...(req.Labels ?? {}) },
      ipamOptions: req.IPAM?.Options ?? null,
      auxAddresses: cfg.AuxiliaryAddresses ?? null,
      created: new Date().toISOString(),
      builtin: false,
      isDefault: false,
    };
    this.store.insertNetwork(row);
    try {
      await ensureBridge({ name: bridge, address: `${row.gateway}/${subnet.prefix}`, mtu: mtuOf(row) });
      await this.syncRules();
      if (this.hasDns(row)) await this.startDns(row);
    } catch (err) {
      this.store.deleteNetwork(id);
      await deleteBridge(bridge);
      await this.syncRules().catch(() => undefined);
      throw err;
    }
    this.o.events?.emit('network', 'create', id, { name, type: driver });
    return { Id: id, Warning: '' };
  }

  list(filters: FilterArgs = FilterArgs.empty()): NetworkResource[] {
    const used = new Set(this.activeEndpoints().map((e) => e.networkId));
    const match = networkListMatcher(filters);
    return this.store
      .networks()
      .filter((n) => match(n, used.has(n.id)))
      .map((n) => this.resource(n, false));
  }

  inspect(idOrName: string, _opts: { verbose?: boolean } = {}): NetworkResource {
    return this.resource(this.find(idOrName), true);
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.find(idOrName);
    if (n.builtin) throw new ForbiddenError(`${n.name} is a pre-defined network and cannot be removed`);
    const users = this.activeEndpoints().filter((e) => e.networkId === n.id);
    if (users.length > 0) {
      throw new ForbiddenError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    }
    // Endpoints still being torn down hold host-local leases: let them finish first.
    await this.idle();
    await this.dns.get(n.id)?.stop();
    this.dns.delete(n.id);
    this.store.deleteNetwork(n.id);
    await this.syncRules();
    await deleteBridge(n.bridge!);
    await rm(join(this.ipamDir, n.id), { recursive: true, force: true });
    this.o.events?.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
  }

  async prune(filters: FilterArgs = FilterArgs.empty()): Promise<{ NetworksDeleted: string[] }> {
    filters.validate(ACCEPTED_FILTERS.networkPrune);
    const until = pruneUntil(filters);
    const used = new Set(this.activeEndpoints().map((e) => e.networkId));
    const deleted: string[] = [];
    for (const n of this.store.networks()) {
      if (n.builtin || used.has(n.id)) continue;
      if (!createdNotAfter(n.created, until) || !filters.labelsAndNot(n.labels)) continue;
      await this.remove(n.id);
      deleted.push(n.name);
    }
    this.o.events?.emit('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted };
  }

  /** Connects a running container (one attached with attachContainer) to another network. */
  async connect(idOrName: string, containerId: string, endpointConfig: EndpointSettings | null = null): Promise<void> {
    const n = this.find(idOrName);
    const s = this.sandboxFor(containerId);
    if (n.driver === 'host' || s.mode === 'host') {
      throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    }
    if (n.driver === 'null' || s.mode === 'none') {
      throw new ForbiddenError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
    if (s.mode === 'container') throw new ForbiddenError('conflicting options: container type network can\'t be used with other networks');
    const eps = this.store.endpointsOfSandbox(s.id);
    if (eps.some((e) => e.networkId === n.id)) {
      throw new ForbiddenError(`endpoint with name ${s.containerName} already exists in network ${n.name}`);
    }
    await this.addEndpoint(s, n, nextIfname(eps), false, endpointConfig);
    this.invalidateDns();
    this.o.events?.emit('network', 'connect', n.id, { container: s.containerId!, name: n.name, type: n.driver });
  }

  async disconnect(idOrName: string, containerId: string, _force = false): Promise<void> {
    const n = this.find(idOrName);
    const s = this.sandboxFor(containerId);
    if (n.driver === 'host' || s.mode === 'host') {
      throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    }
    const ep = this.store.endpointsOfSandbox(s.id).find((e) => e.networkId === n.id);
    if (!ep) throw new ForbiddenError(`container ${containerId} is not connected to network ${n.name}`);
    this.store.updateEndpoint({ ...ep, state: 'releasing' });
    this.invalidateDns();
    if (ep.ifname) await this.delEndpoint(s, ep).catch(() => undefined);
    this.store.deleteEndpoint(ep.id);
    this.o.events?.emit('network', 'disconnect', n.id, { container: s.containerId!, name: n.name, type: n.driver });
  }

  /** The user namespace owning the network namespace file `netnsPath` (a remapped daemon's), if any. */
  usernsOf(netnsPath: string): string | undefined {
    return this.netnsOwner && netnsPath.startsWith(`${this.netnsDir}/`) ? usernsFileOf(netnsPath, this.netnsOwner) : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Containers

  /** Makes a container's network stack before its process starts: namespace, interfaces, addresses,
   *  published ports, and its hosts/resolv.conf/hostname files. */
  async attachContainer(c: AttachRequest): Promise<AttachResult> {
    const old = this.store.sandboxOfContainer(c.id);
    if (old) await this.detachContainer(c.id);
    const hc = c.hostConfig ?? {};
    const modeText = hc.NetworkMode || 'default';
    await mkdir(c.filesDir, { recursive: true });

    if (modeText === 'host' || modeText === 'none') return this.attachSpecial(c, modeText);
    if (modeText.startsWith('container:')) return this.attachShared(c, modeText.slice('container:'.length));

    const primary = modeText === 'default' || modeText === 'bridge' ? this.defaultNetwork() : this.find(modeText);
    if (primary.driver === 'host' || primary.driver === 'null') return this.attachSpecial(c, primary.driver === 'host' ? 'host' : 'none');
    const endpoints = c.endpointsConfig ?? {};
    const primaryCfg = endpointConfigFor(endpoints, primary, modeText);
    const others: [NetworkRow, EndpointSettings | null][] = [];
    for (const [key, cfg] of Object.entries(endpoints)) {
      const n = key === 'default' ? this.defaultNetwork() : this.find(key);
      if (n.id === primary.id || others.some(([o]) => o.id === n.id)) continue;
      if (n.driver !== 'bridge') throw new InvalidArgumentError('conflicting options: host or none network mode can\'t be combined with other networks');
      others.push([n, cfg]);
    }

    const requests = portRequests(hc.PortBindings, hc.PublishAllPorts === true, c.exposedPorts);
    const published = this.reservePorts(c, requests);

    let sandbox: SandboxRow | undefined;
    if (primary.isDefault && !primaryCfg?.IPAMConfig?.IPv4Address && !primaryCfg?.MacAddress) {
      sandbox = this.store.claimSpare(primary.id);
    }
    try {
      if (sandbox) {
        sandbox = { ...sandbox, containerId: c.id, containerName: c.name, hostname: c.hostname, filesDir: c.filesDir };
        const [ep] = this.store.endpointsOfSandbox(sandbox.id);
        this.store.updateEndpoint({ ...ep!, aliases: aliasesOf(primary, primaryCfg), links: [] });
      } else {
        sandbox = this.newSandbox('bridge', c);
        this.store.insertSandbox(sandbox);
        await createNetns(sandbox.netnsPath!, this.netnsOwner);
        await this.addEndpoint(sandbox, primary, 'eth0', true, primaryCfg);
      }
      sandbox.dnsServers = hc.Dns ?? [];
      sandbox.ports = published;
      sandbox.exposed = Object.keys(c.exposedPorts ?? {});
      sandbox.state = 'attached';
      this.store.updateSandbox(sandbox);
      let i = 1;
      for (const [n, cfg] of others) await this.addEndpoint(sandbox, n, `eth${i++}`, false, cfg);
      await this.openPorts(sandbox);
      const files = await this.writeFiles(c, sandbox);
      this.invalidateDns();
      this.scheduleRefill();
      for (const e of this.store.endpointsOfSandbox(sandbox.id)) {
        const n = this.store.network(e.networkId)!;
        this.o.events?.emit('network', 'connect', n.id, { container: c.id, name: n.name, type: n.driver });
      }
      return { netnsPath: sandbox.netnsPath!, mode: 'bridge', files, networkSettings: this.settingsOf(sandbox) };
    } catch (err) {
      if (sandbox) {
        await this.closePorts(c.id);
        this.release(this.store.sandbox(sandbox.id) ?? sandbox);
      }
      throw err;
    }
  }

  /** Releases a container's network stack: ports at once, interfaces and addresses in the background.
   *  Idempotent; safe after crashes. */
  async detachContainer(containerId: string): Promise<void> {
    const s = this.store.sandboxOfContainer(containerId);
    if (!s) return;
    await this.closePorts(containerId);
    for (const e of this.store.endpointsOfSandbox(s.id)) {
      const n = this.store.network(e.networkId);
      if (n) this.o.events?.emit('network', 'disconnect', n.id, { container: containerId, name: n.name, type: n.driver });
    }
    this.release(s);
    this.invalidateDns();
  }

  networkSettings(containerId: string): NetworkSettingsApi | undefined {
    const s = this.store.sandboxOfContainer(containerId);
    return s ? this.settingsOf(s) : undefined;
  }

  /** Published and exposed ports as `ps` lists them. */
  portsOf(containerId: string): PortApi[] {
    const s = this.store.sandboxOfContainer(containerId);
    if (!s) return [];
    const out: PortApi[] = s.ports.map((p) => ({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto }));
    for (const key of s.exposed) {
      const [port, proto] = parsePortKey(key);
      if (!s.ports.some((p) => p.containerPort === port && p.proto === proto)) out.push({ PrivatePort: port, Type: proto });
    }
    return out;
  }

  async allocations(): Promise<Allocations> {
    const listeners: Allocations['listeners'] = [];
    for (const [container, ls] of this.listeners) {
      for (const l of ls) listeners.push({ container, hostIp: l.hostIp, hostPort: l.hostPort, proto: l.proto });
    }
    return {
      sandboxes: this.store.sandboxes(),
      endpoints: this.store.endpoints(),
      netnsFiles: await listNetns(this.netnsDir),
      leases: (await this.listLeases()).map(({ network, ip, owner }) => ({ network, ip, owner })),
      rules: await listRules(this.chainPrefix),
      listeners,
      dnsServers: [...this.dns.keys()],
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals: sandboxes and endpoints

  private newSandbox(mode: NetworkMode, c: AttachRequest | undefined): SandboxRow {
    const id = newId();
    return {
      id,
      containerId: c?.id ?? null,
      containerName: c?.name ?? null,
      hostname: c?.hostname ?? null,
      filesDir: c?.filesDir ?? null,
      mode,
      netnsPath: mode === 'bridge' || mode === 'none' ? join(this.netnsDir, id.slice(0, 16)) : null,
      sharesWith: null,
      state: c ? 'attached' : 'ready',
      dnsServers: [],
      ports: [],
      exposed: [],
      created: Date.now(),
    };
  }

  private async attachSpecial(c: AttachRequest, mode: 'host' | 'none'): Promise<AttachResult> {
    const net = this.store.networks().find((n) => n.driver === (mode === 'host' ? 'host' : 'null'))!;
    const s = this.newSandbox(mode, c);
    s.exposed = Object.keys(c.exposedPorts ?? {});
    this.store.transaction(() => {
      this.store.insertSandbox(s);
      this.store.insertEndpoint(blankEndpoint(s.id, net.id));
    });
    try {
      if (mode === 'none') await createNetns(s.netnsPath!, this.netnsOwner);
      const files = await this.writeFiles(c, s);
      this.o.events?.emit('network', 'connect', net.id, { container: c.id, name: net.name, type: net.driver });
      return { netnsPath: s.netnsPath ?? undefined, mode, files, networkSettings: this.settingsOf(s) };
    } catch (err) {
      this.release(s);
      throw err;
    }
  }

  private async attachShared(c: AttachRequest, target: string): Promise<AttachResult> {
    const other = this.findSandboxByContainer(target);
    if (!other || other.state !== 'attached') {
      throw new ConflictError(`cannot join network namespace of a non running container: ${target}`);
    }
    if (other.containerId === c.id) throw new InvalidArgumentError('cannot join own network namespace');
    const owner = other.mode === 'container' ? this.store.sandboxOfContainer(other.sharesWith!)! : other;
    const s: SandboxRow = { ...this.newSandbox('container', c), netnsPath: owner.netnsPath, sharesWith: owner.containerId };
    this.store.insertSandbox(s);
    const dir = owner.filesDir ?? c.filesDir;
    return {
      netnsPath: owner.netnsPath ?? undefined,
      mode: owner.mode === 'host' ? 'host' : 'container',
      containerNetnsOf: owner.containerId!,
      files: { hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf'), hostname: join(dir, 'hostname') },
      networkSettings: this.settingsOf(s),
    };
  }

  private findSandboxByContainer(ref: string): SandboxRow | undefined {
    const all = this.store.sandboxes().filter((s) => s.containerId);
    return (
      all.find((s) => s.containerId === ref) ??
      all.find((s) => s.containerName === ref || s.containerName === ref.replace(/^\//, '')) ??
      (ref.length >= 1 ? singleOrUndefined(all.filter((s) => s.containerId!.startsWith(ref))) : undefined)
    );
  }

  private sandboxFor(containerId: string): SandboxRow {
    const s = this.findSandboxByContainer(containerId);
    if (!s || s.state !== 'attached') throw new ConflictError(`container ${containerId} is not running`);
    return s;
  }

  /** CNI ADD of one network into a sandbox; the endpoint row is written before the ADD so a crash
   *  in between still leaves a record to DEL. */
  private async addEndpoint(s: SandboxRow, n: NetworkRow, ifname: string, primary: boolean, cfg: EndpointSettings | null | undefined): Promise<EndpointRow> {
    const requestedIp = cfg?.IPAMConfig?.IPv4Address || null;
    if (requestedIp) {
      if (n.isDefault) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      if (!cidrContains(parseCidr(n.subnet!), parseIPv4(requestedIp))) {
        throw new InvalidArgumentError(`no configured subnet contains IP address ${requestedIp}`);
      }
      if (this.activeEndpoints().some((e) => e.networkId === n.id && e.ip === requestedIp)) {
        throw new ConflictError(`Address already in use`);
      }
    }
    const ep: EndpointRow = {
      ...blankEndpoint(s.id, n.id),
      ifname,
      aliases: aliasesOf(n, cfg),
      requestedIp,
      links: cfg?.Links ?? [],
    };
    this.store.insertEndpoint(ep);
    let result: CniResult;
    try {
      result = await this.plugins.exec({
        command: 'ADD',
        containerId: s.id,
        netns: s.netnsPath!,
        ifname,
        config: this.cniConfig(n, primary),
        args: requestedIp ? { IgnoreUnknown: '1', IP: requestedIp } : undefined,
      });
    } catch (err) {
      if (requestedIp && /already|requested IP/i.test(errorMessage(err))) {
        throw new ConflictError(`Address already in use`);
      }
      throw err;
    }
    const ipInfo = result.ips?.[0];
    const iface = result.interfaces?.find((i) => i.sandbox && i.name === ifname);
    if (ipInfo) {
      const [ip, prefix] = ipInfo.address.split('/');
      ep.ip = ip!;
      ep.prefixLen = Number(prefix);
      ep.gateway = ipInfo.gateway ?? n.gateway;
    }
    ep.mac = iface?.mac ?? null;
    this.store.updateEndpoint(ep);
    return ep;
  }

  private async delEndpoint(s: SandboxRow, ep: EndpointRow): Promise<void> {
    const n = this.store.network(ep.networkId);
    if (!n || n.driver !== 'bridge' || !ep.ifname) return;
    await this.plugins.exec({
      command: 'DEL',
      containerId: s.id,
      netns: s.netnsPath && (await exists(s.netnsPath)) ? s.netnsPath : '',
      ifname: ep.ifname,
      config: this.cniConfig(n, false),
    });
  }

  private cniConfig(n: NetworkRow, primary: boolean): Record<string, unknown> {
    const cfg: Record<string, unknown> = {
      cniVersion: '1.0.0',
      name: n.id,
      type: 'bridge',
      bridge: n.bridge,
      isGateway: true,
      ipMasq: false,
      hairpinMode: false,
      ipam: this.ipamConfig(n, primary && !n.internal),
    };
    const mtu = mtuOf(n);
    if (mtu) cfg.mtu = mtu;
    return cfg;
  }

  private ipamOnlyConfig(n: NetworkRow): Record<string, unknown> {
    return { cniVersion: '1.0.0', name: n.id, ...(this.ipamConfig(n, false) as object) };
  }

  private ipamConfig(n: NetworkRow, defaultRoute: boolean): Record<string, unknown> {
    const range: Record<string, string> = { subnet: n.subnet!, gateway: n.gateway! };
    if (n.ipRange) {
      const r = hostRange(parseCidr(n.ipRange));
      range.rangeStart = formatIPv4(r.first);
      range.rangeEnd = formatIPv4(r.last);
    }
    return {
      type: 'host-local',
      dataDir: this.ipamDir,
      ranges: [[range]],
      routes: defaultRoute ? [{ dst: '0.0.0.0/0' }] : [],
    };
  }

  /** Queues the teardown of a sandbox; the rows stay (state releasing) until it is done. */
  private release(s: SandboxRow): void {
    const released: SandboxRow = { ...s, containerId: null, state: 'releasing' };
    this.store.updateSandbox(released);
    this.enqueue(async () => {
      if (s.mode === 'bridge' || s.mode === 'none') {
        for (const ep of this.store.endpointsOfSandbox(s.id)) {
          try {
            await this.delEndpoint(s, ep);
          } catch {
            // DEL of a half-made endpoint may fail; the lease files are checked at reconcile.
          }
        }
        if (s.netnsPath) await removeNetns(s.netnsPath, this.netnsOwner);
      }
      this.store.deleteSandbox(s.id);
    });
  }

  private enqueue(job: () => Promise<void>): void {
    this.pending++;
    this.background = this.background
      .then(job)
      .catch(() => undefined)
      .finally(() => {
        this.pending--;
      });
  }

  private scheduleRefill(): void {
    if (this.spares <= 0 || this.refillScheduled || this.closed) return;
    this.refillScheduled = true;
    this.enqueue(async () => {
      this.refillScheduled = false;
      const net = this.store.networks().find((n) => n.isDefault);
      if (!net) return;
      while (!this.closed && this.store.countSpares(net.id) < this.spares) {
        const s: SandboxRow = { ...this.newSandbox('bridge', undefined), state: 'preparing' };
        this.store.insertSandbox(s);
        try {
          await createNetns(s.netnsPath!, this.netnsOwner);
          await this.addEndpoint(s, net, 'eth0', true, null);
          this.store.updateSandbox({ ...s, state: 'ready' });
        } catch {
          this.release(s);
          return;
        }
      }
    });
  }

  private activeEndpoints(): EndpointRow[] {
    const live = new Set(this.store.sandboxes().filter((s) => s.state === 'attached').map((s) => s.id));
    return this.store.endpoints().filter((e) => live.has(e.sandboxId) && e.state === 'active');
  }

  // ---------------------------------------------------------------------------------------------
  // Internals: ports

  private reservePorts(c: AttachRequest, requests: PortRequest[]): PublishedPort[] {
    const taken = this.store
      .sandboxes()
      .filter((s) => s.state === 'attached' && s.containerId !== c.id)
      .flatMap((s) => s.ports);
    const out: PublishedPort[] = [];
    for (const r of requests) {
      if (r.proto === 'sctp') throw new InvalidArgumentError('sctp ports cannot be published by berth');
      const clash = (port: number): boolean =>
        [...taken, ...out].some((p) => p.hostPort === port && p.proto === r.proto && (p.hostIp === r.hostIp || p.hostIp === '0.0.0.0' || r.hostIp === '0.0.0.0'));
      let port = 0;
      if (r.hostPortFirst !== 0) {
        for (let p = r.hostPortFirst; p <= r.hostPortLast; p++) {
          if (!clash(p)) {
            port = p;
            break;
          }
        }
        if (port === 0) {
          throw new PortAllocatedError(
            `driver failed programming external connectivity on endpoint ${c.name} (${c.id}): Bind for ${r.hostIp}:${r.hostPortFirst} failed: port is already allocated`,
          );
        }
      }
      out.push({ containerPort: r.containerPort, proto: r.proto, hostIp: r.hostIp, hostPort: port });
    }
    return out;
  }

  private async openPorts(s: SandboxRow): Promise<void> {
    if (s.ports.length === 0) return;
    const target = this.store.endpointsOfSandbox(s.id).find((e) => e.ip)?.ip;
    if (!target) throw new BerthError('container has no address to publish ports to');
    const opened: Listener[] = [];
    this.listeners.set(s.containerId!, opened);
    for (const p of s.ports) {
      try {
        const l = p.proto === 'udp'
          ? await listenUdp(p.hostIp, p.hostPort, { ip: target, port: p.containerPort })
          : await listenTcp(p.hostIp, p.hostPort, { ip: target, port: p.containerPort });
        opened.push(l);
        p.hostPort = l.hostPort;
      } catch (err) {
        throw new PortAllocatedError(
          `driver failed programming external connectivity on endpoint ${s.containerName} (${s.containerId}): ` +
            `Error starting userland proxy: listen ${p.proto}4 ${p.hostIp}:${p.hostPort}: bind: ${bindReason(err)}`,
        );
      }
    }
    this.store.updateSandbox(s);
  }

  private async reopenPorts(s: SandboxRow): Promise<void> {
    try {
      await this.openPorts(s);
    } catch {
      // The port was taken while berthd was down; the container runs on without it.
    }
  }

  private async closePorts(containerId: string): Promise<void> {
    const ls = this.listeners.get(containerId);
    this.listeners.delete(containerId);
    for (const l of ls ?? []) await l.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Internals: files and DNS

  private async writeFiles(c: AttachRequest, s: SandboxRow): Promise<ContainerFiles> {
    const hc = c.hostConfig ?? {};
    const files: ContainerFiles = {
      hosts: join(c.filesDir, 'hosts'),
      resolvConf: join(c.filesDir, 'resolv.conf'),
      hostname: join(c.filesDir, 'hostname'),
    };
    const hostResolv = await readFile(this.o.hostResolvConf ?? '/etc/resolv.conf', 'utf8').catch(() => '');
    const def = this.defaultNetwork();
    const extra = parseExtraHosts(hc.ExtraHosts ?? [], def.gateway ?? undefined);
    if (s.mode === 'host') {
      const hostHosts = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
      const add = extra.map((e) => `${e.ip}\t${e.names.join(' ')}`).join('\n');
      await writeFile(files.hosts, add ? `${hostHosts.replace(/\n?$/, '\n')}${add}\n` : hostHosts);
      await writeFile(files.resolvConf, hostResolv);
      await writeFile(files.hostname, `${osHostname()}\n`);
      return files;
    }
    const eps = this.store.endpointsOfSandbox(s.id);
    const first = eps.find((e) => e.ip);
    const self: HostsEntry | undefined = first?.ip ? { ip: first.ip, names: selfNames(c.hostname, c.domainname) } : undefined;
    const links: HostsEntry[] = [];
    if (first && this.store.network(first.networkId)?.isDefault) {
      for (const l of hc.Links ?? []) {
        const [target, alias] = parseLink(l);
        const other = this.findSandboxByContainer(target);
        const ip = other && this.store.endpointsOfSandbox(other.id).find((e) => e.networkId === def.id)?.ip;
        if (ip) links.push({ ip, names: alias && alias !== target ? [alias, target] : [target] });
      }
    }
    await writeFile(files.hosts, renderHostsFile({ self, extra, links }));
    const userNet = eps.map((e) => this.store.network(e.networkId)!).find((n) => n && this.hasDns(n));
    await writeFile(
      files.resolvConf,
      containerResolvConf({
        host: parseResolvConf(hostResolv),
        embeddedServer: userNet?.gateway ?? undefined,
        dns: hc.Dns ?? undefined,
        dnsSearch: hc.DnsSearch ?? undefined,
        dnsOptions: hc.DnsOptions ?? undefined,
      }),
    );
    await writeFile(files.hostname, `${c.hostname}\n`);
    return files;
  }

  private hasDns(n: NetworkRow): boolean {
    return n.driver === 'bridge' && !n.isDefault;
  }

  private async startDns(n: NetworkRow): Promise<void> {
    if (this.dns.has(n.id)) return;
    const server = new DnsServer({
      address: n.gateway!,
      port: this.o.dnsPort ?? 53,
      records: {
        lookup: (name) => this.lookupName(n, name),
        reverse: (ip) => this.reverseName(n, ip),
        upstreams: (client) => this.upstreamsFor(n, client),
      },
    });
    await server.start();
    this.dns.set(n.id, server);
  }

  private invalidateDns(): void {
    this.dnsIndex = undefined;
  }

  /** name → addresses, per network, built from the attached endpoints (rebuilt after any change). */
  private index(): Map<string, Map<string, string[]>> {
    if (this.dnsIndex) return this.dnsIndex;
    const idx = new Map<string, Map<string, string[]>>();
    const sandboxes = new Map(this.store.sandboxes().filter((s) => s.state === 'attached').map((s) => [s.id, s]));
    for (const e of this.store.endpoints()) {
      const s = sandboxes.get(e.sandboxId);
      if (!s || !e.ip || e.state !== 'active') continue;
      const n = this.store.network(e.networkId);
      if (!n) continue;
      let names = idx.get(n.id);
      if (!names) idx.set(n.id, (names = new Map()));
      for (const base of dnsNamesOf(s, e)) {
        for (const name of [base.toLowerCase(), `${base}.${n.name}`.toLowerCase()]) {
          const list = names.get(name) ?? [];
          if (!list.includes(e.ip)) list.push(e.ip);
          names.set(name, list);
        }
      }
    }
    this.dnsIndex = idx;
    return idx;
  }

  private lookupName(n: NetworkRow, name: string): string[] | undefined {
    return this.index().get(n.id)?.get(name);
  }

  private reverseName(n: NetworkRow, ip: string): string | undefined {
    for (const e of this.store.endpointsOfNetwork(n.id)) {
      if (e.ip !== ip || e.state !== 'active') continue;
      const s = this.store.sandbox(e.sandboxId);
      if (s?.state === 'attached' && s.containerName) return `${s.containerName}.${n.name}`;
    }
    return undefined;
  }

  private upstreamsFor(n: NetworkRow, client: string): Upstream[] {
    const e = this.store.endpointsOfNetwork(n.id).find((x) => x.ip === client);
    const s = e && this.store.sandbox(e.sandboxId);
    if (s && s.dnsServers.length > 0) return s.dnsServers.map((host) => ({ host, port: 53 }));
    if (this.o.dnsUpstreams) return this.o.dnsUpstreams;
    let text = '';
    try {
      text = readFileSyncCached(this.o.hostResolvConf ?? '/etc/resolv.conf');
    } catch {
      // no resolv.conf: nothing to forward to
    }
    return parseResolvConf(text).nameservers.map((host) => ({ host, port: 53 }));
  }

  // ---------------------------------------------------------------------------------------------
  // Internals: networks

  private defaultNetwork(): NetworkRow {
    const n = this.store.networks().find((x) => x.isDefault);
    if (!n) throw new NotFoundError('network bridge not found');
    return n;
  }

  /** docker's lookup order: full ID, exact name, unique ID prefix. */
  find(idOrName: string): NetworkRow {
    const all = this.store.networks();
    const hit = all.find((n) => n.id === idOrName) ?? all.find((n) => n.name === idOrName);
    if (hit) return hit;
    const byPrefix = all.filter((n) => n.id.startsWith(idOrName));
    if (byPrefix.length === 1 && idOrName.length > 0) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new InvalidArgumentError(`network ${idOrName} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    throw new NotFoundError(`network ${idOrName} not found`);
  }

  private bridgeNameFor(id: string): string {
    const room = 15 - this.bridgePrefix.length - 1;
    return `${this.bridgePrefix}-${id.slice(0, Math.max(room, 4))}`;
  }

  private async checkOverlap(subnet: Cidr): Promise<void> {
    for (const n of this.store.networks()) {
      if (n.subnet && cidrOverlaps(parseCidr(n.subnet), subnet)) {
        throw new ForbiddenError('Pool overlaps with other one on this address space');
      }
    }
    for (const h of await hostSubnets()) {
      const c = parseCidr(h, true);
      if (c.prefix === 32 ? cidrContains(subnet, c.base) : cidrOverlaps(c, subnet)) {
        throw new ForbiddenError(`Pool overlaps with other one on this address space (the host uses ${h})`);
      }
    }
  }

  private async pickSubnet(forcePrefix?: number): Promise<Cidr> {
    const used = [
      ...this.store.networks().flatMap((n) => (n.subnet ? [parseCidr(n.subnet)] : [])),
      ...(await hostSubnets()).map((h) => parseCidr(h, true)),
    ];
    for (const pool of this.o.addressPools ?? DEFAULT_POOLS) {
      const base = parseCidr(pool.base);
      const prefix = forcePrefix && forcePrefix >= base.prefix ? forcePrefix : Math.max(pool.size, base.prefix);
      const step = cidrSize({ base: 0, prefix });
      for (let a = base.base; a < base.base + cidrSize(base); a += step) {
        const cand = { base: a, prefix };
        if (!used.some((u) => cidrOverlaps(u, cand))) return cand;
      }
    }
    throw new ForbiddenError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  }

  private async syncRules(): Promise<void> {
    const nets: FirewallNetwork[] = this.store
      .networks()
      .filter((n) => n.driver === 'bridge')
      .map((n) => ({
        bridge: n.bridge!,
        subnet: n.subnet!,
        gateway: n.gateway!,
        internal: n.internal,
        masquerade: n.options[MASQ_OPT] !== 'false',
        icc: n.options[ICC_OPT] !== 'false',
        dns: this.hasDns(n),
      }));
    await applyRules(this.chainPrefix, nets);
  }

  private async listLeases(): Promise<{ network: string; ip: string; owner: string; ifname: string }[]> {
    const out: { network: string; ip: string; owner: string; ifname: string }[] = [];
    let nets: string[] = [];
    try {
      nets = await readdir(this.ipamDir);
    } catch {
      return out;
    }
    for (const net of nets) {
      let files: string[] = [];
      try {
        files = await readdir(join(this.ipamDir, net));
      } catch {
        continue;
      }
      for (const f of files) {
        if (!/^\d+\.\d+\.\d+\.\d+$/.test(f)) continue;
        const text = await readFile(join(this.ipamDir, net, f), 'utf8').catch(() => '');
        const [owner = '', ifname = 'eth0'] = text.split(/\r?\n/);
        out.push({ network: net, ip: f, owner: owner.trim(), ifname: ifname.trim() });
      }
    }
    return out;
  }

  private resource(n: NetworkRow, withContainers: boolean): NetworkResource {
    const containers: NetworkResource['Containers'] = {};
    if (withContainers) {
      for (const e of this.activeEndpoints().filter((x) => x.networkId === n.id)) {
        const s = this.store.sandbox(e.sandboxId)!;
        containers[s.containerId!] = {
          Name: s.containerName ?? '',
          EndpointID: e.id,
          MacAddress: e.mac ?? '',
          IPv4Address: e.ip ? `${e.ip}/${e.prefixLen}` : '',
          IPv6Address: '',
        };
      }
    }
    const config = n.subnet
      ? [{ Subnet: n.subnet, ...(n.ipRange ? { IPRange: n.ipRange } : {}), Gateway: n.gateway!, ...(n.auxAddresses ? { AuxiliaryAddresses: n.auxAddresses } : {}) }]
      : [];
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

  private settingsOf(s: SandboxRow): NetworkSettingsApi {
    const owner = s.mode === 'container' && s.sharesWith ? this.store.sandboxOfContainer(s.sharesWith) : undefined;
    const eps = owner ? [] : this.store.endpointsOfSandbox(s.id);
    const networks: Record<string, EndpointSettings> = {};
    let top: EndpointRow | undefined;
    for (const e of eps) {
      const n = this.store.network(e.networkId);
      if (!n) continue;
      if (n.isDefault) top = e;
      networks[n.name] = {
        IPAMConfig: e.requestedIp ? { IPv4Address: e.requestedIp } : null,
        Links: e.links.length > 0 ? e.links : null,
        Aliases: n.isDefault || n.driver !== 'bridge' ? null : e.aliases,
        MacAddress: e.mac ?? '',
        DriverOpts: null,
        NetworkID: n.id,
        EndpointID: e.id,
        Gateway: e.gateway ?? '',
        IPAddress: e.ip ?? '',
        IPPrefixLen: e.prefixLen ?? 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        DNSNames: n.isDefault || n.driver !== 'bridge' ? null : dnsNamesOf(s, e),
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
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: top?.ip ?? '',
      IPPrefixLen: top?.prefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: top?.mac ?? '',
      Networks: networks,
    };
  }
}

// -----------------------------------------------------------------------------------------------

function blankEndpoint(sandboxId: string, networkId: string): EndpointRow {
  return {
    id: newId(), sandboxId, networkId, ifname: null, ip: null, prefixLen: null, gateway: null, mac: null,
    aliases: [], requestedIp: null, links: [], state: 'active',
  };
}

function aliasesOf(n: NetworkRow, cfg: EndpointSettings | null | undefined): string[] {
  if (n.isDefault) return [];
  return [...new Set(cfg?.Aliases ?? [])];
}

function dnsNamesOf(s: SandboxRow, e: EndpointRow): string[] {
  const names = [s.containerName ?? '', ...e.aliases, (s.containerId ?? '').slice(0, 12)].filter(Boolean);
  return [...new Set(names)];
}

function endpointConfigFor(eps: Record<string, EndpointSettings | null>, n: NetworkRow, mode: string): EndpointSettings | null {
  return eps[n.name] ?? eps[n.id] ?? eps[mode] ?? null;
}

function nextIfname(eps: EndpointRow[]): string {
  const used = new Set(eps.map((e) => e.ifname));
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

function mtuOf(n: NetworkRow): number | undefined {
  const v = Number(n.options[MTU_OPT]);
  return Number.isInteger(v) && v > 0 && v !== 1500 ? v : undefined;
}

function normalizePortKey(key: string): string {
  const [port, proto] = parsePortKey(key);
  return `${port}/${proto}`;
}

/** `--link` values: `name:alias` from the CLI, `/name:/container/alias` as docker stores them. */
function parseLink(l: string): [string, string | undefined] {
  const [a, b] = l.split(':');
  const target = (a ?? '').replace(/^\//, '');
  const alias = b ? b.split('/').pop() : undefined;
  return [target, alias];
}

function bindReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'address already in use';
  if (code === 'EADDRNOTAVAIL') return 'cannot assign requested address';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(err);
}

function singleOrUndefined<T>(xs: T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** docker's network list filters; `dangling` and `type` are checked for valid values first. */
function networkListMatcher(f: FilterArgs): (n: NetworkRow, inUse: boolean) => boolean {
  f.validate(ACCEPTED_FILTERS.networkList);
  const dangling = f.get('dangling');
  if (dangling.length > 1) throw new InvalidArgumentError('got more than one value for filter key "dangling"');
  if (dangling.length === 1 && !['true', '1', 'false', '0'].includes(dangling[0]!)) {
    throw new InvalidArgumentError('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  }
  for (const t of f.get('type')) if (t !== 'builtin' && t !== 'custom') throw new InvalidArgumentError(`invalid filter: 'type'='${t}'`);
  return (n, inUse) =>
    f.exact('driver', n.driver) &&
    (!f.has('name') || f.regexp('name', n.name)) &&
    (!f.has('id') || f.regexp('id', n.id)) &&
    f.labels('label', n.labels) &&
    f.exact('scope', 'local') &&
    (dangling.length === 0 || (dangling[0] === 'true' || dangling[0] === '1') === (!inUse && !n.builtin)) &&
    (!f.has('type') || f.get('type').some((t) => (t === 'builtin') === Boolean(n.builtin)));
}

const resolvCache = new Map<string, { at: number; text: string }>();
/** The host's resolv.conf, re-read at most every few seconds (it is read on every forwarded query). */
function readFileSyncCached(path: string): string {
  const hit = resolvCache.get(path);
  if (hit && Date.now() - hit.at < 5000) return hit.text;
  const text = readFileSync(path, 'utf8');
  resolvCache.set(path, { at: Date.now(), text });
  return text;
}
