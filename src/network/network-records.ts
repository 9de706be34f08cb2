// The network records: the rows of the built-in networks (host, none, the default bridge) and of
// user networks, what a create request may ask for, and the lookups over the store the service's
// parts share (docker's lookup order, the default bridge, live endpoints, a container's sandbox).
import { randomBytes } from 'node:crypto';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { NetworkCreateRequest } from './api-types.js';
import type { EndpointRow, NetworkRow, NetworkStore, SandboxRow } from './network-store.js';

export const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
export const MASQ_OPT = 'com.docker.network.bridge.enable_ip_masquerade';
export const ICC_OPT = 'com.docker.network.bridge.enable_icc';
export const MTU_OPT = 'com.docker.network.driver.mtu';
const HOST_BINDING_OPT = 'com.docker.network.bridge.host_binding_ipv4';
const ZERO_TIME = '0001-01-01T00:00:00Z';
const PREDEFINED = ['bridge', 'host', 'none'];
const NO_IPV6 = { subnet6: null, gateway6: null, ipRange6: null } as const;

/** docker's 64-hex-digit IDs (networks, sandboxes, endpoints). */
export const newId = (): string => randomBytes(32).toString('hex');

/** The MTU to set on the bridge and veths, when not the kernel's 1500. */
export function mtuOf(n: NetworkRow): number | undefined {
  const v = Number(n.options[MTU_OPT]);
  return Number.isInteger(v) && v > 0 && v !== 1500 ? v : undefined;
}

/** User-defined bridges resolve container names; the default bridge does not (docker's rule). */
export function hasDns(n: NetworkRow): boolean {
  return n.driver === 'bridge' && !n.isDefault;
}

export function builtinNetworkRow(name: string, driver: string): NetworkRow {
  return {
    id: newId(), name, driver, bridge: null, subnet: null, gateway: null, ipRange: null, ...NO_IPV6, internal: false,
    attachable: false, enableIPv6: false, options: {}, labels: {}, ipamOptions: null, auxAddresses: null,
    created: ZERO_TIME, builtin: true, isDefault: false,
  };
}

export function defaultBridgeRow(bridge: string, subnet: string, gateway: string): NetworkRow {
  return {
    id: newId(),
    name: 'bridge',
    driver: 'bridge',
    bridge,
    subnet,
    gateway,
    ipRange: null,
    ...NO_IPV6,
    internal: false,
    attachable: false,
    enableIPv6: false,
    options: {
      'com.docker.network.bridge.default_bridge': 'true',
      [ICC_OPT]: 'true',
      [MASQ_OPT]: 'true',
      [HOST_BINDING_OPT]: '0.0.0.0',
      [BRIDGE_NAME_OPT]: bridge,
      [MTU_OPT]: '1500',
    },
    labels: {},
    ipamOptions: null,
    auxAddresses: null,
    created: new Date().toISOString(),
    builtin: true,
    isDefault: true,
  };
}

/** Refuses what berth's networks cannot be (before any subnet is chosen). */
export function checkCreateRequest(req: NetworkCreateRequest, existing: NetworkRow[]): void {
  const name = req.Name ?? '';
  // docker takes any name but an empty one (spaces, slashes and dots included).
  if (name === '') throw new InvalidArgumentError('invalid name: ');
  if (existing.some((n) => n.name === name)) {
    if (PREDEFINED.includes(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network`);
    throw new ConflictError(`network with name ${name} already exists`);
  }
  const driver = req.Driver || 'bridge';
  if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`);
  if (req.ConfigOnly || req.ConfigFrom?.Network) throw new InvalidArgumentError('config-only networks are not supported');
  if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') throw new NotFoundError(`plugin "${req.IPAM.Driver}" not found`);
}

/** A user network's row from its create request, subnet and bridge (all checked). */
export function userNetworkRow(req: NetworkCreateRequest, id: string, bridge: string, ipam: UserNetworkIpam): NetworkRow {
  return {
    id, name: req.Name, driver: 'bridge', bridge, subnet: ipam.subnet, gateway: ipam.gateway, ipRange: ipam.ipRange,
    subnet6: ipam.v6?.subnet ?? null, gateway6: ipam.v6?.gateway ?? null, ipRange6: ipam.v6?.ipRange ?? null,
    internal: req.Internal === true, attachable: req.Attachable === true, enableIPv6: req.EnableIPv6 === true, options: { ...(req.Options ?? {}) },
    labels: { ...(req.Labels ?? {}) }, ipamOptions: req.IPAM?.Options ?? null, auxAddresses: ipam.auxAddresses ?? null,
    created: new Date().toISOString(), builtin: false, isDefault: false,
  };
}

export interface UserNetworkIpam {
  subnet: string;
  gateway: string;
  ipRange: string | null;
  auxAddresses?: Record<string, string>;
  v6?: { subnet: string; gateway: string; ipRange: string | null };
}

/** A network whose containers get IPv6 addresses (docker keeps a v6 subnet of a network without EnableIPv6 unused). */
export function usesIPv6(n: NetworkRow): boolean {
  return n.enableIPv6 && n.subnet6 !== null;
}

/** `<prefix>-<id…>`, at most 15 characters (an interface name's limit). */
export function bridgeNameFor(prefix: string, id: string): string {
  const room = 15 - prefix.length - 1;
  return `${prefix}-${id.slice(0, Math.max(room, 4))}`;
}

export class NetworkRecords {
  constructor(readonly store: NetworkStore) {}

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

  /** Like find(), undefined when no network has that ID, name or prefix. */
  findOptional(idOrName: string): NetworkRow | undefined {
    try {
      return this.find(idOrName);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  defaultNetwork(): NetworkRow {
    const n = this.store.networks().find((x) => x.isDefault);
    if (!n) throw new NotFoundError('network bridge not found');
    return n;
  }

  /** The `host` or `none` entry. */
  special(mode: 'host' | 'none'): NetworkRow {
    return this.store.networks().find((n) => n.driver === (mode === 'host' ? 'host' : 'null'))!;
  }

  /** A sandbox's first address (where its published ports lead). */
  firstAddress(sandboxId: string): string | undefined {
    return this.store.endpointsOfSandbox(sandboxId).find((e) => e.ip)?.ip ?? undefined;
  }

  /** Endpoints of attached sandboxes (not spares, not those being torn down). */
  activeEndpoints(): EndpointRow[] {
    const live = new Set(this.store.sandboxes().filter((s) => s.state === 'attached').map((s) => s.id));
    return this.store.endpoints().filter((e) => live.has(e.sandboxId) && e.state === 'active');
  }

  /** A container's sandbox by ID, name or unique ID prefix. */
  sandboxByContainer(ref: string): SandboxRow | undefined {
    // A full ID (what start passes) by the index; names and prefixes need the scan.
    const byId = this.store.sandboxOfContainer(ref);
    if (byId) return byId;
    const all = this.store.sandboxes().filter((s) => s.containerId);
    const byPrefix = all.filter((s) => s.containerId!.startsWith(ref));
    return (
      all.find((s) => s.containerId === ref) ??
      all.find((s) => s.containerName === ref || s.containerName === ref.replace(/^\//, '')) ??
      (ref.length >= 1 && byPrefix.length === 1 ? byPrefix[0] : undefined)
    );
  }

  /** The sandbox of a running container (connect, disconnect). */
  attachedSandbox(containerId: string): SandboxRow {
    const s = this.sandboxByContainer(containerId);
    if (!s || s.state !== 'attached') throw new ConflictError(`container ${containerId} is not running`);
    return s;
  }
}
