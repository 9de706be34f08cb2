// The CNI network configs berth hands the standard plugins: the bridge plugin with host-local IPAM
// for a network's endpoints, and host-local alone to give back a lease nobody owns.
import { formatIPv4, hostRange, parseCidr } from './ipv4.js';
import { cidr6Last, formatIPv6, parseCidr6 } from './ipv6.js';
import { mtuOf, usesIPv6 } from './network-records.js';
import type { NetworkRow } from './network-store.js';

const CNI_VERSION = '1.0.0';

/**
 * The bridge plugin's config for an endpoint on `n`; only the primary endpoint of a non-internal
 * network gets the default route. Masquerading and isolation are berth's own rules, not the plugin's.
 */
export function bridgeCniConfig(n: NetworkRow, primary: boolean, ipamDir: string): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    cniVersion: CNI_VERSION,
    name: n.id,
    type: 'bridge',
    bridge: n.bridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: false,
    ipam: hostLocalIpam(n, primary && !n.internal, ipamDir),
  };
  const mtu = mtuOf(n);
  if (mtu) cfg.mtu = mtu;
  return cfg;
}

/** host-local on its own (a DEL of a lease whose interface is gone). */
export function ipamOnlyCniConfig(n: NetworkRow, ipamDir: string): Record<string, unknown> {
  return { cniVersion: CNI_VERSION, name: n.id, ...hostLocalIpam(n, false, ipamDir) };
}

/** One range set per address family: host-local gives an endpoint an address from each. */
function hostLocalIpam(n: NetworkRow, defaultRoute: boolean, ipamDir: string): Record<string, unknown> {
  const range: Record<string, string> = { subnet: n.subnet!, gateway: n.gateway! };
  if (n.ipRange) {
    const r = hostRange(parseCidr(n.ipRange));
    range.rangeStart = formatIPv4(r.first);
    range.rangeEnd = formatIPv4(r.last);
  }
  const ranges = [[range]];
  const routes = defaultRoute ? [{ dst: '0.0.0.0/0' }] : [];
  if (usesIPv6(n)) {
    const range6: Record<string, string> = { subnet: n.subnet6!, gateway: n.gateway6! };
    if (n.ipRange6) {
      // host-local skips the range's first address (its "network" address) itself.
      const r = parseCidr6(n.ipRange6);
      range6.rangeStart = formatIPv6(r.base + 1n);
      range6.rangeEnd = formatIPv6(cidr6Last(r));
    }
    ranges.push([range6]);
    if (defaultRoute) routes.push({ dst: '::/0' });
  }
  return { type: 'host-local', dataDir: ipamDir, ranges, routes };
}
