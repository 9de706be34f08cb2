// The names berth's DNS servers answer for, per network: each attached container's name, its
// aliases on that network and its short ID, bare and as `<name>.<network>`, lower-cased; and the
// reverse (an address to `<container>.<network>`).
import type { EndpointRow, NetworkRow, NetworkStore, SandboxRow } from './network-store.js';

/** network ID → name → addresses (IPv4 and IPv6 ones). */
export type NameIndex = Map<string, Map<string, string[]>>;

/** A container's names on one network (its endpoint's): name, aliases, short ID. */
export function dnsNamesOf(s: SandboxRow, e: EndpointRow): string[] {
  const names = [s.containerName ?? '', ...e.aliases, (s.containerId ?? '').slice(0, 12)].filter(Boolean);
  return [...new Set(names)];
}

/** The index over attached sandboxes' active endpoints that have an address. */
export function buildNameIndex(sandboxes: SandboxRow[], endpoints: EndpointRow[], networkOf: (id: string) => NetworkRow | undefined): NameIndex {
  const idx: NameIndex = new Map();
  const attached = new Map(sandboxes.filter((s) => s.state === 'attached').map((s) => [s.id, s]));
  for (const e of endpoints) {
    const s = attached.get(e.sandboxId);
    if (!s || !e.ip || e.state !== 'active') continue;
    const addrs = e.ip6 ? [e.ip, e.ip6] : [e.ip];
    const n = networkOf(e.networkId);
    if (!n) continue;
    let names = idx.get(n.id);
    if (!names) idx.set(n.id, (names = new Map()));
    for (const base of dnsNamesOf(s, e)) {
      for (const name of [base.toLowerCase(), `${base}.${n.name}`.toLowerCase()]) {
        const list = names.get(name) ?? [];
        for (const a of addrs) if (!list.includes(a)) list.push(a);
        names.set(name, list);
      }
    }
  }
  return idx;
}

/** `<container>.<network>` for an address of `n`'s endpoints (`endpoints` are the network's). */
export function reverseName(n: NetworkRow, ip: string, endpoints: EndpointRow[], sandboxOf: (id: string) => SandboxRow | undefined): string | undefined {
  for (const e of endpoints) {
    if ((e.ip !== ip && e.ip6 !== ip) || e.state !== 'active') continue;
    const s = sandboxOf(e.sandboxId);
    if (s?.state === 'attached' && s.containerName) return `${s.containerName}.${n.name}`;
  }
  return undefined;
}

/** The index over the store, built on first use after any change (invalidate()). */
export class DnsNameIndex {
  private index?: NameIndex;

  constructor(private readonly store: NetworkStore) {}

  invalidate(): void {
    this.index = undefined;
  }

  /** `clientIp`: the asking container's address; its endpoint's links (`target:alias`) name the
   *  target for it alone, as docker's links on a user-defined network do. */
  lookup(n: NetworkRow, name: string, clientIp?: string): string[] | undefined {
    this.index ??= buildNameIndex(this.store.sandboxes(), this.store.endpoints(), (id) => this.store.network(id));
    const names = this.index.get(n.id);
    const asker = clientIp ? this.store.endpointsOfNetwork(n.id).find((e) => e.state === 'active' && (e.ip === clientIp || e.ip6 === clientIp)) : undefined;
    for (const link of asker?.links ?? []) {
      const colon = link.lastIndexOf(':');
      const [target, alias] = colon > 0 ? [link.slice(0, colon), link.slice(colon + 1)] : [link, link];
      if (alias.toLowerCase() === name || `${alias}.${n.name}`.toLowerCase() === name) {
        const ips = names?.get(target.replace(/^\//, '').toLowerCase());
        if (ips) return ips;
      }
    }
    return names?.get(name);
  }

  reverse(n: NetworkRow, ip: string): string | undefined {
    return reverseName(n, ip, this.store.endpointsOfNetwork(n.id), (id) => this.store.sandbox(id));
  }
}
