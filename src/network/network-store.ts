// berth's network bookkeeping in SQLite: networks, sandboxes (one per container network stack, plus
// pre-made spare ones) and endpoints (a sandbox's attachment to a network: interface, IP, MAC, aliases).
// The CNI host-local plugin holds the IP leases on disk; endpoints record what it handed out.
import type Database from 'better-sqlite3';

export type Db = Database.Database;

export interface NetworkRow {
  id: string;
  name: string;
  driver: string; // bridge | host | null
  bridge: string | null;
  subnet: string | null;
  gateway: string | null;
  ipRange: string | null;
  /** The IPv6 subnet and gateway (docker records a v6 subnet even without EnableIPv6; only then is it used). */
  subnet6: string | null;
  gateway6: string | null;
  ipRange6: string | null;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  ipamOptions: Record<string, string> | null;
  auxAddresses: Record<string, string> | null;
  created: string;
  builtin: boolean;
  /** The default bridge: no DNS, legacy links. */
  isDefault: boolean;
}

/** preparing (spare being made) → ready (spare) → attached (a container's) → releasing (teardown queued). */
export type SandboxState = 'preparing' | 'ready' | 'attached' | 'releasing';
export type NetworkMode = 'bridge' | 'host' | 'none' | 'container';

export interface PublishedPort {
  containerPort: number;
  proto: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
}

export interface SandboxRow {
  id: string;
  containerId: string | null;
  containerName: string | null;
  hostname: string | null;
  /** Where the container's hosts, resolv.conf and hostname files are. */
  filesDir: string | null;
  mode: NetworkMode;
  netnsPath: string | null;
  /** For `container:` mode: the container whose stack is shared. */
  sharesWith: string | null;
  state: SandboxState;
  /** --dns servers the DNS server forwards to for this container (empty: the host's). */
  dnsServers: string[];
  ports: PublishedPort[];
  /** Exposed ports without a binding (shown as `80/tcp: null` in inspect). */
  exposed: string[];
  created: number;
}

export interface EndpointRow {
  id: string;
  sandboxId: string;
  networkId: string;
  ifname: string | null;
  ip: string | null;
  prefixLen: number | null;
  gateway: string | null;
  ip6: string | null;
  prefixLen6: number | null;
  gateway6: string | null;
  mac: string | null;
  aliases: string[];
  requestedIp: string | null;
  requestedIp6: string | null;
  links: string[];
  state: 'active' | 'releasing';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS networks (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, driver TEXT NOT NULL, bridge TEXT UNIQUE,
  subnet TEXT, gateway TEXT, ip_range TEXT, internal INTEGER NOT NULL DEFAULT 0,
  attachable INTEGER NOT NULL DEFAULT 0, enable_ipv6 INTEGER NOT NULL DEFAULT 0,
  options TEXT NOT NULL DEFAULT '{}', labels TEXT NOT NULL DEFAULT '{}', ipam_options TEXT, aux_addresses TEXT,
  created TEXT NOT NULL, builtin INTEGER NOT NULL DEFAULT 0, is_default INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS network_sandboxes (
  id TEXT PRIMARY KEY, container_id TEXT UNIQUE, container_name TEXT, hostname TEXT, files_dir TEXT, mode TEXT NOT NULL,
  netns_path TEXT, shares_with TEXT, state TEXT NOT NULL, dns_servers TEXT NOT NULL DEFAULT '[]',
  ports TEXT NOT NULL DEFAULT '[]', exposed TEXT NOT NULL DEFAULT '[]', created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS network_endpoints (
  id TEXT PRIMARY KEY, sandbox_id TEXT NOT NULL, network_id TEXT NOT NULL, ifname TEXT, ip TEXT,
  prefix_len INTEGER, gateway TEXT, mac TEXT, aliases TEXT NOT NULL DEFAULT '[]', requested_ip TEXT,
  links TEXT NOT NULL DEFAULT '[]', state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS network_endpoints_by_sandbox ON network_endpoints(sandbox_id);
CREATE INDEX IF NOT EXISTS network_endpoints_by_network ON network_endpoints(network_id);
`;

/** Columns added after the first schema (IPv6), added to an older database's tables. */
const ADDED_COLUMNS: [table: string, column: string][] = [
  ['networks', 'subnet6 TEXT'], ['networks', 'gateway6 TEXT'], ['networks', 'ip_range6 TEXT'],
  ['network_endpoints', 'ip6 TEXT'], ['network_endpoints', 'prefix_len6 INTEGER'], ['network_endpoints', 'gateway6 TEXT'],
  ['network_endpoints', 'requested_ip6 TEXT'],
];

const bool = (v: unknown): boolean => v === 1 || v === true;
const json = <T>(v: unknown, dflt: T): T => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : dflt);

/* eslint-disable @typescript-eslint/no-explicit-any */
function toNetwork(r: any): NetworkRow {
  return {
    id: r.id,
    name: r.name,
    driver: r.driver,
    bridge: r.bridge,
    subnet: r.subnet,
    gateway: r.gateway,
    ipRange: r.ip_range,
    subnet6: r.subnet6 ?? null,
    gateway6: r.gateway6 ?? null,
    ipRange6: r.ip_range6 ?? null,
    internal: bool(r.internal),
    attachable: bool(r.attachable),
    enableIPv6: bool(r.enable_ipv6),
    options: json(r.options, {}),
    labels: json(r.labels, {}),
    ipamOptions: json(r.ipam_options, null),
    auxAddresses: json(r.aux_addresses, null),
    created: r.created,
    builtin: bool(r.builtin),
    isDefault: bool(r.is_default),
  };
}

function toSandbox(r: any): SandboxRow {
  return {
    id: r.id,
    containerId: r.container_id,
    containerName: r.container_name,
    hostname: r.hostname,
    filesDir: r.files_dir,
    mode: r.mode,
    netnsPath: r.netns_path,
    sharesWith: r.shares_with,
    state: r.state,
    dnsServers: json(r.dns_servers, []),
    ports: json(r.ports, []),
    exposed: json(r.exposed, []),
    created: r.created,
  };
}

function toEndpoint(r: any): EndpointRow {
  return {
    id: r.id,
    sandboxId: r.sandbox_id,
    networkId: r.network_id,
    ifname: r.ifname,
    ip: r.ip,
    prefixLen: r.prefix_len,
    gateway: r.gateway,
    ip6: r.ip6 ?? null,
    prefixLen6: r.prefix_len6 ?? null,
    gateway6: r.gateway6 ?? null,
    mac: r.mac,
    aliases: json(r.aliases, []),
    requestedIp: r.requested_ip,
    requestedIp6: r.requested_ip6 ?? null,
    links: json(r.links, []),
    state: r.state,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export class NetworkStore {
  constructor(readonly db: Db) {
    db.exec(SCHEMA);
    for (const [table, column] of ADDED_COLUMNS) {
      const cols = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!cols.some((c) => c.name === column.split(' ')[0])) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // networks
  insertNetwork(n: NetworkRow): void {
    this.db
      .prepare(
        `INSERT INTO networks (id, name, driver, bridge, subnet, gateway, ip_range, internal, attachable, enable_ipv6,
          options, labels, ipam_options, aux_addresses, created, builtin, is_default, subnet6, gateway6, ip_range6)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        n.id, n.name, n.driver, n.bridge, n.subnet, n.gateway, n.ipRange, n.internal ? 1 : 0, n.attachable ? 1 : 0,
        n.enableIPv6 ? 1 : 0, JSON.stringify(n.options), JSON.stringify(n.labels),
        n.ipamOptions ? JSON.stringify(n.ipamOptions) : null, n.auxAddresses ? JSON.stringify(n.auxAddresses) : null,
        n.created, n.builtin ? 1 : 0, n.isDefault ? 1 : 0, n.subnet6, n.gateway6, n.ipRange6,
      );
  }

  deleteNetwork(id: string): void {
    this.db.prepare('DELETE FROM networks WHERE id = ?').run(id);
  }

  networks(): NetworkRow[] {
    return this.db.prepare('SELECT * FROM networks ORDER BY created, name').all().map(toNetwork);
  }

  network(id: string): NetworkRow | undefined {
    const r = this.db.prepare('SELECT * FROM networks WHERE id = ?').get(id);
    return r ? toNetwork(r) : undefined;
  }

  // sandboxes
  insertSandbox(s: SandboxRow): void {
    this.db
      .prepare(
        `INSERT INTO network_sandboxes (id, container_id, container_name, hostname, files_dir, mode, netns_path, shares_with,
          state, dns_servers, ports, exposed, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        s.id, s.containerId, s.containerName, s.hostname, s.filesDir, s.mode, s.netnsPath, s.sharesWith, s.state,
        JSON.stringify(s.dnsServers), JSON.stringify(s.ports), JSON.stringify(s.exposed), s.created,
      );
  }

  updateSandbox(s: SandboxRow): void {
    this.db
      .prepare(
        `UPDATE network_sandboxes SET container_id=?, container_name=?, hostname=?, files_dir=?, mode=?, netns_path=?,
          shares_with=?, state=?, dns_servers=?, ports=?, exposed=? WHERE id=?`,
      )
      .run(
        s.containerId, s.containerName, s.hostname, s.filesDir, s.mode, s.netnsPath, s.sharesWith, s.state,
        JSON.stringify(s.dnsServers), JSON.stringify(s.ports), JSON.stringify(s.exposed), s.id,
      );
  }

  deleteSandbox(id: string): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM network_endpoints WHERE sandbox_id = ?').run(id);
      this.db.prepare('DELETE FROM network_sandboxes WHERE id = ?').run(id);
    });
  }

  sandboxes(): SandboxRow[] {
    return this.db.prepare('SELECT * FROM network_sandboxes ORDER BY created').all().map(toSandbox);
  }

  /** Sandboxes that publish or expose ports: what ps and a new port reservation need, without reading every row. */
  sandboxesWithPorts(): SandboxRow[] {
    return this.db.prepare(`SELECT * FROM network_sandboxes WHERE ports <> '[]' OR exposed <> '[]' ORDER BY created`).all().map(toSandbox);
  }

  sandbox(id: string): SandboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM network_sandboxes WHERE id = ?').get(id);
    return r ? toSandbox(r) : undefined;
  }

  sandboxOfContainer(containerId: string): SandboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM network_sandboxes WHERE container_id = ?').get(containerId);
    return r ? toSandbox(r) : undefined;
  }

  /** Takes one spare sandbox (pre-attached to `networkId`) for a container, atomically. */
  claimSpare(networkId: string): SandboxRow | undefined {
    return this.transaction(() => {
      const r = this.db
        .prepare(
          `SELECT s.* FROM network_sandboxes s JOIN network_endpoints e ON e.sandbox_id = s.id
           WHERE s.state = 'ready' AND e.network_id = ? AND e.ip IS NOT NULL ORDER BY s.created LIMIT 1`,
        )
        .get(networkId);
      if (!r) return undefined;
      this.db.prepare(`UPDATE network_sandboxes SET state = 'attached' WHERE id = ?`).run((r as { id: string }).id);
      return { ...toSandbox(r), state: 'attached' as const };
    });
  }

  countSpares(networkId: string): number {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM network_sandboxes s JOIN network_endpoints e ON e.sandbox_id = s.id
         WHERE s.state IN ('ready', 'preparing') AND e.network_id = ?`,
      )
      .get(networkId) as { n: number };
    return r.n;
  }

  // endpoints
  insertEndpoint(e: EndpointRow): void {
    this.db
      .prepare(
        `INSERT INTO network_endpoints (id, sandbox_id, network_id, ifname, ip, prefix_len, gateway, mac, aliases,
          requested_ip, links, state, ip6, prefix_len6, gateway6, requested_ip6) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        e.id, e.sandboxId, e.networkId, e.ifname, e.ip, e.prefixLen, e.gateway, e.mac, JSON.stringify(e.aliases),
        e.requestedIp, JSON.stringify(e.links), e.state, e.ip6, e.prefixLen6, e.gateway6, e.requestedIp6,
      );
  }

  updateEndpoint(e: EndpointRow): void {
    this.db
      .prepare(
        `UPDATE network_endpoints SET ip=?, prefix_len=?, gateway=?, mac=?, aliases=?, links=?, state=?, ip6=?, prefix_len6=?,
          gateway6=? WHERE id=?`,
      )
      .run(
        e.ip, e.prefixLen, e.gateway, e.mac, JSON.stringify(e.aliases), JSON.stringify(e.links), e.state, e.ip6, e.prefixLen6,
        e.gateway6, e.id,
      );
  }

  deleteEndpoint(id: string): void {
    this.db.prepare('DELETE FROM network_endpoints WHERE id = ?').run(id);
  }

  endpointsOfSandbox(sandboxId: string): EndpointRow[] {
    return this.db.prepare('SELECT * FROM network_endpoints WHERE sandbox_id = ? ORDER BY rowid').all(sandboxId).map(toEndpoint);
  }

  endpointsOfNetwork(networkId: string): EndpointRow[] {
    return this.db.prepare('SELECT * FROM network_endpoints WHERE network_id = ? ORDER BY rowid').all(networkId).map(toEndpoint);
  }

  endpoints(): EndpointRow[] {
    return this.db.prepare('SELECT * FROM network_endpoints ORDER BY rowid').all().map(toEndpoint);
  }
}
