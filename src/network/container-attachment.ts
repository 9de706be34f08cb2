// A container's network stack made before its process starts and released after it ends: the
// sandbox (a spare one of the default bridge, or a new one), its endpoints on every requested
// network, its published ports and its /etc files; host, none and `container:` modes too.
import { mkdir } from 'node:fs/promises';
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { EndpointSettings, HostConfigNet, NetworkSettingsApi } from './api-types.js';
import { aliasesOf, blankEndpoint, type CniEndpoints } from './cni-endpoints.js';
import { dnsSettingsOf, etcFilesIn, writeEtcFiles, type EtcFiles, type EtcLayout } from './container-etc-files.js';
import type { DnsNameIndex } from './dns-name-index.js';
import { parseExtraHosts, type HostsEntry } from './hosts-file.js';
import { hasDns, type NetworkRecords } from './network-records.js';
import type { EndpointRow, NetworkMode, NetworkRow, NetworkStore, SandboxRow } from './network-store.js';
import { networkSettingsView } from './network-view.js';
import { reservePorts, type PortPublisher } from './port-publisher.js';
import { portRequests } from './port-requests.js';
import type { SandboxPool } from './sandbox-pool.js';

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
  /** A build step's files (BuildKit's hosts layout) rather than a container's. */
  etcLayout?: EtcLayout;
}

/** Where a container's hosts, resolv.conf and hostname files are. */
export type ContainerFiles = EtcFiles;

export interface AttachResult {
  /** The namespace file the runtime joins; undefined in host mode. */
  netnsPath?: string;
  mode: NetworkMode;
  /** For `container:` mode: the ID of the container whose stack is shared. */
  containerNetnsOf?: string;
  files: ContainerFiles;
  networkSettings: NetworkSettingsApi;
}

/** A sandbox's NetworkSettings (a `container:` sandbox shows no networks of its own). */
export function sandboxSettings(store: NetworkStore, s: SandboxRow): NetworkSettingsApi {
  const owner = s.mode === 'container' && s.sharesWith ? store.sandboxOfContainer(s.sharesWith) : undefined;
  const eps: [EndpointRow, NetworkRow][] = [];
  for (const e of owner ? [] : store.endpointsOfSandbox(s.id)) {
    const n = store.network(e.networkId);
    if (n) eps.push([e, n]);
  }
  return networkSettingsView(s, eps);
}

export interface AttachmentParts {
  records: NetworkRecords;
  pool: SandboxPool;
  endpoints: CniEndpoints;
  ports: PortPublisher;
  names: DnsNameIndex;
  events?: EventBus;
  hostResolvConf?: string;
}

export class ContainerAttachment {
  private readonly store: NetworkStore;

  constructor(private readonly p: AttachmentParts) {
    this.store = p.records.store;
  }

  async attach(c: AttachRequest): Promise<AttachResult> {
    const { records, pool, endpoints, ports } = this.p;
    if (this.store.sandboxOfContainer(c.id)) await this.detach(c.id);
    const hc = c.hostConfig ?? {};
    const modeText = hc.NetworkMode || 'default';
    await mkdir(c.filesDir, { recursive: true });

    if (modeText === 'host' || modeText === 'none') return this.attachSpecial(c, modeText);
    if (modeText.startsWith('container:')) return this.attachShared(c, modeText.slice('container:'.length));

    // The networks are those of the endpoints config (docker's NetworkSettings.Networks: the mode's
    // network from create, then connects and disconnects); without one, the mode's network.
    const requested = c.endpointsConfig ?? { [modeText]: null };
    const joins: [NetworkRow, EndpointSettings | null][] = [];
    for (const [key, cfg] of Object.entries(requested)) {
      const n = key === 'default' || key === 'bridge' ? records.defaultNetwork() : records.find(key);
      if (joins.some(([o]) => o.id === n.id)) continue;
      if (n.driver !== 'bridge') throw new InvalidArgumentError('conflicting options: host or none network mode can\'t be combined with other networks');
      joins.push([n, cfg]);
    }
    // The mode's network is eth0 (with the default route), as docker's; else the first one.
    const modeNet = modeText === 'default' || modeText === 'bridge' ? records.defaultNetwork() : records.findOptional(modeText);
    const first = joins.findIndex(([n]) => n.id === modeNet?.id);
    if (first > 0) joins.unshift(...joins.splice(first, 1));
    const [primary, primaryCfg] = joins[0] ?? [undefined, null];
    const others = joins.slice(1);

    const taken = this.store.sandboxesWithPorts().filter((s) => s.state === 'attached' && s.containerId !== c.id).flatMap((s) => s.ports);
    const published = reservePorts(c, portRequests(hc.PortBindings, hc.PublishAllPorts === true, c.exposedPorts), taken);

    let sandbox: SandboxRow | undefined;
    if (primary?.isDefault && !primaryCfg?.IPAMConfig?.IPv4Address && !primaryCfg?.MacAddress) {
      sandbox = this.store.claimSpare(primary.id);
    }
    try {
      if (sandbox) {
        sandbox = { ...sandbox, containerId: c.id, containerName: c.name, hostname: c.hostname, filesDir: c.filesDir };
        const [ep] = this.store.endpointsOfSandbox(sandbox.id);
        this.store.updateEndpoint({ ...ep!, aliases: aliasesOf(primary, primaryCfg), links: [] });
      } else {
        sandbox = pool.newSandbox('bridge', c);
        this.store.insertSandbox(sandbox);
        await pool.createNamespace(sandbox);
        // No network at all (all disconnected before the start): loopback only, as docker's.
        if (primary) await endpoints.add(sandbox, primary, 'eth0', true, primaryCfg);
      }
      sandbox.dnsServers = hc.Dns ?? [];
      sandbox.ports = published;
      sandbox.exposed = Object.keys(c.exposedPorts ?? {});
      sandbox.state = 'attached';
      this.store.updateSandbox(sandbox);
      let i = 1;
      for (const [n, cfg] of others) await endpoints.add(sandbox, n, `eth${i++}`, false, cfg);
      if (sandbox.ports.length > 0) {
        await ports.open(sandbox, records.firstAddress(sandbox.id));
        this.store.updateSandbox(sandbox);
      }
      const files = await this.writeFiles(c, sandbox);
      this.p.names.invalidate();
      pool.scheduleRefill();
      for (const e of this.store.endpointsOfSandbox(sandbox.id)) {
        const n = this.store.network(e.networkId)!;
        this.p.events?.emit('network', 'connect', n.id, { container: c.id, name: n.name, type: n.driver });
      }
      return { netnsPath: sandbox.netnsPath!, mode: 'bridge', files, networkSettings: sandboxSettings(this.store, sandbox) };
    } catch (err) {
      if (sandbox) {
        await ports.close(c.id);
        pool.release(this.store.sandbox(sandbox.id) ?? sandbox);
      }
      throw err;
    }
  }

  /** Ports closed at once, interfaces and addresses released in the background. Idempotent. */
  async detach(containerId: string): Promise<void> {
    const s = this.store.sandboxOfContainer(containerId);
    if (!s) return;
    await this.p.ports.close(containerId);
    for (const e of this.store.endpointsOfSandbox(s.id)) {
      const n = this.store.network(e.networkId);
      if (n) this.p.events?.emit('network', 'disconnect', n.id, { container: containerId, name: n.name, type: n.driver });
    }
    this.p.pool.release(s);
    this.p.names.invalidate();
  }

  /** After a restart of berthd: a running container's published ports opened again. */
  async resumePorts(s: SandboxRow): Promise<void> {
    if (this.p.ports.isOpen(s.containerId!) || s.ports.length === 0) return;
    if (await this.p.ports.reopen(s, this.p.records.firstAddress(s.id))) this.store.updateSandbox(s);
  }

  private async attachSpecial(c: AttachRequest, mode: 'host' | 'none'): Promise<AttachResult> {
    const net = this.p.records.special(mode);
    const s = this.p.pool.newSandbox(mode, c);
    s.exposed = Object.keys(c.exposedPorts ?? {});
    this.store.transaction(() => {
      this.store.insertSandbox(s);
      this.store.insertEndpoint(blankEndpoint(s.id, net.id));
    });
    try {
      if (mode === 'none') await this.p.pool.createNamespace(s);
      const files = await this.writeFiles(c, s);
      this.p.events?.emit('network', 'connect', net.id, { container: c.id, name: net.name, type: net.driver });
      return { netnsPath: s.netnsPath ?? undefined, mode, files, networkSettings: sandboxSettings(this.store, s) };
    } catch (err) {
      this.p.pool.release(s);
      throw err;
    }
  }

  /** `container:<ref>`: the other container's namespace and its files (docker shares both). */
  private async attachShared(c: AttachRequest, target: string): Promise<AttachResult> {
    const other = this.p.records.sandboxByContainer(target);
    if (!other || other.state !== 'attached') {
      throw new ConflictError(`cannot join network namespace of a non running container: ${target}`);
    }
    if (other.containerId === c.id) throw new InvalidArgumentError('cannot join own network namespace');
    const owner = other.mode === 'container' ? this.store.sandboxOfContainer(other.sharesWith!)! : other;
    const s: SandboxRow = { ...this.p.pool.newSandbox('container', c), netnsPath: owner.netnsPath, sharesWith: owner.containerId };
    this.store.insertSandbox(s);
    return {
      netnsPath: owner.netnsPath ?? undefined,
      mode: owner.mode === 'host' ? 'host' : 'container',
      containerNetnsOf: owner.containerId!,
      files: etcFilesIn(owner.filesDir ?? c.filesDir),
      networkSettings: sandboxSettings(this.store, s),
    };
  }

  private async writeFiles(c: AttachRequest, s: SandboxRow): Promise<ContainerFiles> {
    const hc = c.hostConfig ?? {};
    const def = this.p.records.defaultNetwork();
    const extraHosts = parseExtraHosts(hc.ExtraHosts ?? [], def.gateway ?? undefined);
    const dnsOpts = dnsSettingsOf(hc);
    const layout = c.etcLayout ? { layout: c.etcLayout } : {};
    if (s.mode === 'host') {
      return writeEtcFiles(c.filesDir, { network: 'host', hostname: c.hostname, extraHosts, ...dnsOpts, ...layout }, this.p.hostResolvConf);
    }
    const eps = this.store.endpointsOfSandbox(s.id);
    const first = eps.find((e) => e.ip);
    const links: HostsEntry[] = [];
    if (first && this.store.network(first.networkId)?.isDefault) {
      for (const l of hc.Links ?? []) {
        const [target, alias] = parseLink(l);
        const other = this.p.records.sandboxByContainer(target);
        const ip = other && this.store.endpointsOfSandbox(other.id).find((e) => e.networkId === def.id)?.ip;
        // docker's line: the alias, the child's hostname, and its name when the alias differs.
        const name = alias ?? target;
        if (ip) links.push({ ip, names: [name, ...(other.hostname ? [other.hostname] : []), ...(name !== target ? [target] : [])] });
      }
    }
    const userNet = eps.map((e) => this.store.network(e.networkId)).find((n) => n && hasDns(n));
    return writeEtcFiles(c.filesDir, {
      network: 'private',
      hostname: c.hostname,
      ...(c.domainname ? { domainname: c.domainname } : {}),
      ...(first?.ip ? { address: first.ip } : {}),
      ...(first?.ip6 ? { address6: first.ip6 } : {}),
      extraHosts,
      links,
      ...(userNet?.gateway ? { embeddedServer: userNet.gateway } : {}),
      ...dnsOpts,
      ...layout,
    }, this.p.hostResolvConf);
  }
}

/** `--link` values: `name:alias` from the CLI, `/name:/container/alias` as docker stores them. */
function parseLink(l: string): [string, string | undefined] {
  const [a, b] = l.split(':');
  const target = (a ?? '').replace(/^\//, '');
  const alias = b ? b.split('/').pop() : undefined;
  return [target, alias];
}
