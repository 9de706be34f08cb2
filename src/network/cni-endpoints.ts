// A sandbox's endpoints made and unmade by the CNI bridge plugin (ADD: veth, address, routes;
// DEL: the interface and its host-local lease), with the endpoint rows that record them.
import { access } from 'node:fs/promises';
import { ConflictError, InvalidArgumentError, errorMessage } from '../errors.js';
import type { EndpointSettings } from './api-types.js';
import { bridgeCniConfig, ipamOnlyCniConfig } from './cni-config.js';
import type { CniPlugins, CniResult } from './cni-exec.js';
import { listLeases, removeLease } from './host-local-leases.js';
import { cidrContains, parseCidr, parseIPv4 } from './ipv4.js';
import { newId, type NetworkRecords } from './network-records.js';
import type { EndpointRow, NetworkRow, SandboxRow } from './network-store.js';

const MAC_RE = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

/** An endpoint row before its CNI ADD (or one with no interface: host and none). */
export function blankEndpoint(sandboxId: string, networkId: string): EndpointRow {
  return {
    id: newId(), sandboxId, networkId, ifname: null, ip: null, prefixLen: null, gateway: null, mac: null,
    aliases: [], requestedIp: null, links: [], state: 'active',
  };
}

/** --network-alias values of an endpoint (the default bridge has none). */
export function aliasesOf(n: NetworkRow, cfg: EndpointSettings | null | undefined): string[] {
  if (n.isDefault) return [];
  return [...new Set(cfg?.Aliases ?? [])];
}

/** The first free `ethN` of a sandbox. */
export function nextIfname(eps: EndpointRow[]): string {
  const used = new Set(eps.map((e) => e.ifname));
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

export class CniEndpoints {
  constructor(
    private readonly records: NetworkRecords,
    private readonly plugins: CniPlugins,
    private readonly ipamDir: string,
  ) {}

  /** CNI ADD of one network into a sandbox; the endpoint row is written before the ADD so a crash
   *  in between still leaves a record to DEL. */
  async add(s: SandboxRow, n: NetworkRow, ifname: string, primary: boolean, cfg: EndpointSettings | null | undefined): Promise<EndpointRow> {
    const store = this.records.store;
    const requestedIp = cfg?.IPAMConfig?.IPv4Address || null;
    if (requestedIp) {
      if (n.isDefault) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      if (!cidrContains(parseCidr(n.subnet!), parseIPv4(requestedIp))) {
        throw new InvalidArgumentError(`no configured subnet contains IP address ${requestedIp}`);
      }
      if (this.records.activeEndpoints().some((e) => e.networkId === n.id && e.ip === requestedIp)) {
        throw new ConflictError(`Address already in use`);
      }
    }
    const mac = cfg?.MacAddress || null;
    if (mac && !MAC_RE.test(mac)) throw new InvalidArgumentError(`invalid MAC address: ${mac}`);
    const ep: EndpointRow = {
      ...blankEndpoint(s.id, n.id),
      ifname,
      aliases: aliasesOf(n, cfg),
      requestedIp,
      links: cfg?.Links ?? [],
    };
    store.insertEndpoint(ep);
    let result: CniResult;
    try {
      result = await this.plugins.exec({
        command: 'ADD',
        containerId: s.id,
        netns: s.netnsPath!,
        ifname,
        config: bridgeCniConfig(n, primary, this.ipamDir),
        args: requestedIp || mac ? { IgnoreUnknown: '1', ...(requestedIp ? { IP: requestedIp } : {}), ...(mac ? { MAC: mac } : {}) } : undefined,
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
    store.updateEndpoint(ep);
    return ep;
  }

  /** CNI DEL of an endpoint (of a namespace that may be gone already). */
  async del(s: SandboxRow, ep: EndpointRow): Promise<void> {
    const n = this.records.store.network(ep.networkId);
    if (!n || n.driver !== 'bridge' || !ep.ifname) return;
    await this.plugins.exec({
      command: 'DEL',
      containerId: s.id,
      netns: s.netnsPath && (await exists(s.netnsPath)) ? s.netnsPath : '',
      ifname: ep.ifname,
      config: bridgeCniConfig(n, false, this.ipamDir),
    });
  }

  /** Gives back the leases no sandbox in `owners` holds (host-local's DEL by owner and interface, then the file). */
  async releaseStrayLeases(owners: Set<string>): Promise<void> {
    for (const lease of await listLeases(this.ipamDir)) {
      if (owners.has(lease.owner)) continue;
      const n = this.records.store.network(lease.network);
      if (n) {
        await this.plugins
          .exec({ command: 'DEL', containerId: lease.owner, netns: '', ifname: lease.ifname, config: ipamOnlyCniConfig(n, this.ipamDir) })
          .catch(() => undefined);
      }
      await removeLease(this.ipamDir, lease);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
