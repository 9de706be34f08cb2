// `network create --subnet/--ip-range/--gateway/--aux-address` → the IPAM Config list, with the
// checks and error texts of docker's CLI (each range, gateway and aux address needs its subnet).
import { BlockList, isIPv6 } from 'node:net';
import type { IpamConfig } from '../../client/networks.js';

interface Cidr {
  text: string;
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function parseCidr(text: string): Cidr {
  const [address = '', bits] = text.split('/');
  const family = isIPv6(address) ? 'ipv6' : 'ipv4';
  const prefix = bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv6' ? 128 : 32)) throw new Error(`invalid CIDR address: ${text}`);
  return { text, address, prefix, family };
}

function contains(subnet: Cidr, address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (subnet.family !== family) return false;
  const list = new BlockList();
  try {
    list.addSubnet(subnet.address, subnet.prefix, subnet.family);
    return list.check(address, family);
  } catch {
    throw new Error(`invalid CIDR address: ${subnet.text}`);
  }
}

export function consolidateIpam(subnets: readonly string[], ranges: readonly string[], gateways: readonly string[], aux: Readonly<Record<string, string>>): IpamConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  const parsed = subnets.map(parseCidr);
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (contains(a, b.address, b.family) || contains(b, a.address, a.family)) throw new Error('multiple overlapping subnet configuration is not supported');
    }
  }
  const configs: IpamConfig[] = parsed.map((s) => ({ Subnet: s.text, AuxiliaryAddresses: {} }));
  for (const r of ranges) {
    const range = parseCidr(r);
    const i = parsed.findIndex((s) => contains(s, range.address, range.family) && range.prefix >= s.prefix);
    if (i < 0) throw new Error(`no matching subnet for range ${r}`);
    const c = configs[i]!;
    if (c.IPRange !== undefined) throw new Error(`cannot configure multiple ranges (${r}, ${c.IPRange}) on the same subnet (${c.Subnet})`);
    c.IPRange = r;
  }
  for (const g of gateways) {
    const family = isIPv6(g) ? 'ipv6' : 'ipv4';
    const i = parsed.findIndex((s) => contains(s, g, family));
    if (i < 0) throw new Error(`no matching subnet for gateway ${g}`);
    const c = configs[i]!;
    if (c.Gateway !== undefined) throw new Error(`cannot configure multiple gateways (${g}, ${c.Gateway}) for the same subnet (${c.Subnet})`);
    c.Gateway = g;
  }
  for (const [key, address] of Object.entries(aux)) {
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    const i = parsed.findIndex((s) => contains(s, address, family));
    if (i < 0) throw new Error(`no matching subnet for aux-address ${address}`);
    configs[i]!.AuxiliaryAddresses![key] = address;
  }
  return configs;
}
