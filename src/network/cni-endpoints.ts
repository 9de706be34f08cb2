// A sandbox's endpoints made and unmade by the CNI bridge plugin (ADD: veth, address, routes;
// DEL: the interface and its host-local lease), with the endpoint rows that record them.
import { access } from 'node:fs/promises';
import { ConflictError, ForbiddenError, InvalidArgumentError, errorMessage } from '../errors.js';
import type { EndpointSettings } from './api-types.js';
import { bridgeCniConfig, ipamOnlyCniConfig } from './cni-config.js';
import type { CniPlugins, CniResult } from './cni-exec.js';
import { listLeases, removeLease } from './host-local-leases.js';
import { cidrContains, parseCidr, parseIPv4 } from './ipv4.js';
import { cidr6Contains, formatIPv6, parseCidr6, parseIPv6 } from './ipv6.js';
import { newId, usesIPv6, type NetworkRecords } from './network-records.js';
import type { EndpointRow, NetworkRow, SandboxRow } from './network-store.js';

const MAC_RE = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

/** An endpoint row before its CNI ADD (or one with no interface: host and none). */
export function blankEndpoint(sandboxId: string, networkId: string): EndpointRow {
  return {
    id: newId(), sandboxId, networkId, ifname: null, ip: null, prefixLen: null, gateway: null, mac: null,
    aliases: [], requestedIp: null, links: [], state: 'active', ip6: null, prefixLen6: null, gateway6: null, requestedIp6: null,
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
    const requestedIp6 = usesIPv6(n) ? checkRequestedIp6(n, cfg?.IPAMConfig?.IPv6Address || null, this.records.activeEndpoints()) : null;
    const mac = cfg?.MacAddress || null;
    if (mac && !MAC_RE.test(mac)) throw new InvalidArgumentError(`invalid MAC address: ${mac}`);
    const ep: EndpointRow = {
      ...blankEndpoint(s.id, n.id),
      ifname,
      aliases: aliasesOf(n, cfg),
      requestedIp,
      requestedIp6,
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
        args: cniArgs([requestedIp, requestedIp6].filter((a) => a !== null), mac),
      });
    } catch (err) {
      if ((requestedIp || requestedIp6) && /already|requested IP/i.test(errorMessage(err))) {
        throw new ConflictError(`Address already in use`);
      }
      throw err;
    }
    const iface = result.interfaces?.find((i) => i.sandbox && i.name === ifname);
    for (const ipInfo of result.ips ?? []) {
      const [ip, prefix] = ipInfo.address.split('/') as [string, string];
      if (ip.includes(':')) {
        if (ep.ip6) continue;
        ep.ip6 = ip;
        ep.prefixLen6 = Number(prefix);
        ep.gateway6 = ipInfo.gateway ?? n.gateway6;
      } else if (!ep.ip) {
        ep.ip = ip;
        ep.prefixLen = Number(prefix);
        ep.gateway = ipInfo.gateway ?? n.gateway;
      }
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

/** host-local's CNI_ARGS: `IP` (one address per family, comma-separated) and the bridge plugin's `MAC`. */
function cniArgs(ips: string[], mac: string | null): Record<string, string> | undefined {
  if (ips.length === 0 && !mac) return undefined;
  return { IgnoreUnknown: '1', ...(ips.length > 0 ? { IP: ips.join(',') } : {}), ...(mac ? { MAC: mac } : {}) };
}

/** An `IPv6Address` asked for on a dual-stack network, with docker's refusals; canonical form. */
function checkRequestedIp6(n: NetworkRow, requested: string | null, active: EndpointRow[]): string | null {
  if (!requested) return null;
  if (n.isDefault) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  const addr = parseIPv6(requested);
  if (!cidr6Contains(parseCidr6(n.subnet6!), addr)) {
    throw new InvalidArgumentError(`Invalid address ${requested}: It does not belong to any of this network's subnets`);
  }
  const ip6 = formatIPv6(addr);
  // docker answers 403 here (its IPv4 path too; berth's IPv4 path keeps its 409).
  if (active.some((e) => e.networkId === n.id && e.ip6 === ip6)) throw new ForbiddenError('Address already in use');
  return ip6;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
