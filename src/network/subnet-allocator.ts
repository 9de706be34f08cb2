// Subnets of bridge networks: the next free block of the address pools (docker's
// default-address-pools), and a requested subnet, gateway and ip-range checked against the
// other networks' subnets and the host's own.
import { ForbiddenError, InvalidArgumentError } from '../errors.js';
import type { IPAMConfigApi } from './api-types.js';
import { hostSubnets } from './bridge-device.js';
import { cidrContains, cidrOverlaps, cidrSize, formatCidr, parseCidr, parseIPv4, type Cidr } from './ipv4.js';
import { cidr6Contains, cidr6Overlaps, formatCidr6, formatIPv6, parseCidr6, parseIPv6 } from './ipv6.js';
import type { NetworkStore } from './network-store.js';

export interface AddressPool {
  base: string;
  /** Prefix length of the subnets cut from `base`. */
  size: number;
}

/** docker's defaults: 172.17-31.0.0/16 as /16s, then 192.168.0.0/16 as /20s. */
export const DEFAULT_POOLS: AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

/** The first block of the pools that overlaps nothing in `used` (`forcePrefix` overrides the pools' size). */
export function firstFreeSubnet(pools: AddressPool[], used: Cidr[], forcePrefix?: number): Cidr {
  for (const pool of pools) {
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

/** Refuses a requested subnet that overlaps another network's or one of the host's (`host` as `ip/len`). */
export function checkSubnetFree(subnet: Cidr, networkSubnets: Cidr[], host: string[]): void {
  if (networkSubnets.some((s) => cidrOverlaps(s, subnet))) {
    throw new ForbiddenError('Pool overlaps with other one on this address space');
  }
  for (const h of host) {
    const c = parseCidr(h, true);
    // A /32 on an interface is only an address: it clashes when inside the subnet.
    if (c.prefix === 32 ? cidrContains(subnet, c.base) : cidrOverlaps(c, subnet)) {
      throw new ForbiddenError(`Pool overlaps with other one on this address space (the host uses ${h})`);
    }
  }
}

/** What a network's IPAM config resolves to. */
export interface SubnetChoice {
  subnet: Cidr;
  gateway: number;
  ipRange: string | null;
}

/** Checks the gateway and ip-range of a config against its subnet (the subnet is chosen already). */
export function subnetChoice(subnet: Cidr, cfg: IPAMConfigApi): SubnetChoice {
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
  return { subnet, gateway, ipRange };
}

/** The IPv4 config of a create request (berth networks have one subnet; IPv6 ones are left out). */
export function ipv4Config(configs: IPAMConfigApi[] | null | undefined): IPAMConfigApi {
  const v4 = (configs ?? []).filter((c) => !c.Subnet || !c.Subnet.includes(':'));
  if (v4.length > 1) throw new InvalidArgumentError('berth networks support one IPv4 subnet');
  return v4[0] ?? {};
}

/** The IPv6 config of a create request, if any (one v6 subnet per network). */
export function ipv6Config(configs: IPAMConfigApi[] | null | undefined): IPAMConfigApi | undefined {
  const v6 = (configs ?? []).filter((c) => c.Subnet?.includes(':'));
  if (v6.length > 1) throw new InvalidArgumentError('berth networks support one IPv6 subnet');
  return v6[0];
}

/** docker's answer to EnableIPv6 without a v6 subnet (dockerd has no default IPv6 pool unless configured). */
export const NO_IPV6_POOL = 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network';

/**
 * A requested IPv6 subnet with its gateway (`::1` of the subnet unless given) and ip-range, checked
 * against `others` (other networks' v6 subnets and the host's, `addr/len`).
 */
export function subnet6Choice(cfg: IPAMConfigApi, others: string[]): { subnet: string; gateway: string; ipRange: string | null } {
  const subnet = parseCidr6(cfg.Subnet!);
  if (subnet.prefix > 126) throw new InvalidArgumentError(`subnet ${cfg.Subnet} is too small`);
  if (others.some((o) => cidr6Overlaps(parseCidr6(o, true), subnet))) throw new ForbiddenError('Pool overlaps with other one on this address space');
  let gateway = subnet.base + 1n;
  if (cfg.Gateway) {
    gateway = parseIPv6(cfg.Gateway);
    if (!cidr6Contains(subnet, gateway)) throw new InvalidArgumentError(`no matching subnet for gateway ${cfg.Gateway}`);
  }
  let ipRange: string | null = null;
  if (cfg.IPRange) {
    const r = parseCidr6(cfg.IPRange);
    if (!cidr6Contains(subnet, r.base) || r.prefix < subnet.prefix) throw new InvalidArgumentError(`no matching subnet for range ${cfg.IPRange}`);
    ipRange = formatCidr6(r);
  }
  return { subnet: formatCidr6(subnet), gateway: formatIPv6(gateway), ipRange };
}

export class SubnetAllocator {
  constructor(
    private readonly store: NetworkStore,
    private readonly pools: AddressPool[] = DEFAULT_POOLS,
  ) {}

  /** The next free subnet of the pools. */
  async pick(forcePrefix?: number): Promise<Cidr> {
    const used = [...this.networkSubnets(), ...(await hostSubnets()).map((h) => parseCidr(h, true))];
    return firstFreeSubnet(this.pools, used, forcePrefix);
  }

  /** A create request's subnet, gateway and ip-range: the requested ones checked, or picked. */
  async forRequest(cfg: IPAMConfigApi): Promise<SubnetChoice> {
    let subnet: Cidr;
    if (cfg.Subnet) {
      subnet = parseCidr(cfg.Subnet);
      if (subnet.prefix > 30) throw new InvalidArgumentError(`subnet ${cfg.Subnet} is too small`);
      checkSubnetFree(subnet, this.networkSubnets(), await hostSubnets());
    } else {
      if (cfg.IPRange || cfg.Gateway) throw new InvalidArgumentError('ip-range and gateway need a subnet');
      subnet = await this.pick();
    }
    return subnetChoice(subnet, cfg);
  }

  private networkSubnets(): Cidr[] {
    return this.store.networks().flatMap((n) => (n.subnet ? [parseCidr(n.subnet)] : []));
  }
}
