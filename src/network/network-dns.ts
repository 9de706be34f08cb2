// One DNS server per user network, on its gateway address: names from the name index, everything
// else forwarded to the container's --dns servers, the configured upstreams, or the host's resolvers.
import { readFileSync } from 'node:fs';
import type { DnsNameIndex } from './dns-name-index.js';
import { DnsServer, type Upstream } from './dns-server.js';
import type { NetworkRow, NetworkStore } from './network-store.js';
import { parseResolvConf } from './resolv-conf.js';

export interface NetworkDnsOptions {
  /** Port of the servers (53; containers cannot be told another). */
  port?: number;
  /** Overrides the upstream resolvers (tests point them at a fake one). */
  upstreams?: Upstream[];
  /** The host's resolv.conf (the upstreams by default). */
  hostResolvConf?: string;
}

export class NetworkDns {
  private readonly servers = new Map<string, DnsServer>();

  constructor(
    private readonly store: NetworkStore,
    private readonly names: DnsNameIndex,
    private readonly o: NetworkDnsOptions,
  ) {}

  async start(n: NetworkRow): Promise<void> {
    if (this.servers.has(n.id)) return;
    const server = new DnsServer({
      address: n.gateway!,
      port: this.o.port ?? 53,
      records: {
        lookup: (name, client) => this.names.lookup(n, name, client),
        reverse: (ip) => this.names.reverse(n, ip),
        upstreams: (client) => this.upstreamsFor(n, client),
      },
    });
    await server.start();
    this.servers.set(n.id, server);
  }

  async stop(networkId: string): Promise<void> {
    await this.servers.get(networkId)?.stop();
    this.servers.delete(networkId);
  }

  async stopAll(): Promise<void> {
    for (const s of this.servers.values()) await s.stop();
    this.servers.clear();
  }

  /** IDs of the networks whose server runs. */
  networks(): string[] {
    return [...this.servers.keys()];
  }

  private upstreamsFor(n: NetworkRow, client: string): Upstream[] {
    const e = this.store.endpointsOfNetwork(n.id).find((x) => x.ip === client);
    const s = e && this.store.sandbox(e.sandboxId);
    if (s && s.dnsServers.length > 0) return s.dnsServers.map((host) => ({ host, port: 53 }));
    if (this.o.upstreams) return this.o.upstreams;
    let text = '';
    try {
      text = readFileSyncCached(this.o.hostResolvConf ?? '/etc/resolv.conf');
    } catch {
      // no resolv.conf: nothing to forward to
    }
    return parseResolvConf(text).nameservers.map((host) => ({ host, port: 53 }));
  }
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
