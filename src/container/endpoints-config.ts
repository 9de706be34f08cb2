// The networks a container is configured for: docker's NetworkSettings.Networks of a container that
// is not running. Create fills it (the network of HostConfig.NetworkMode and the request's
// EndpointsConfig), connect and disconnect change it, start makes an endpoint for each entry.
// It lives in the record as networkingConfig.EndpointsConfig, keyed by network name.
import type { EndpointSettings } from '../network/api-types.js';
import type { ContainerRecord } from './container-record.js';

export type EndpointsConfig = Record<string, EndpointSettings | null>;

/** Modes that are not a network a container has an endpoint on. */
export function isSharedMode(mode: string): boolean {
  return mode.startsWith('container:');
}

/** The network name the mode stands for (`default` is the default bridge). */
export function modeNetwork(mode: string | undefined): string {
  return !mode || mode === 'default' ? 'bridge' : mode;
}

/** The record's endpoints config (a record from before create filled it: the mode's network). */
export function endpointsConfigOf(c: ContainerRecord): EndpointsConfig {
  const stored = (c.networkingConfig as { EndpointsConfig?: EndpointsConfig | null } | undefined)?.EndpointsConfig;
  if (stored) return stored;
  const mode = String(c.hostConfig.NetworkMode ?? 'bridge');
  return isSharedMode(mode) ? {} : { [modeNetwork(mode)]: null };
}

export function setEndpointsConfig(c: ContainerRecord, cfg: EndpointsConfig): void {
  c.networkingConfig = { ...(c.networkingConfig ?? {}), EndpointsConfig: cfg };
}

/**
 * The endpoints config at create: the request's entries keyed by network name (`nameOf` resolves
 * IDs and prefixes; it throws for an unknown network, as docker's create does), then the mode's
 * network unless an entry names it. The deprecated Config.MacAddress goes to the mode's entry.
 */
export function initialEndpointsConfig(
  mode: string,
  requested: EndpointsConfig | null | undefined,
  nameOf: (ref: string) => string,
  macAddress?: string,
): EndpointsConfig {
  if (isSharedMode(mode)) return {};
  const out: EndpointsConfig = {};
  for (const [key, cfg] of Object.entries(requested ?? {})) out[nameOf(modeNetwork(key))] = cfg ?? {};
  const own = nameOf(modeNetwork(mode));
  out[own] ??= {};
  if (macAddress && !out[own]!.MacAddress) out[own] = { ...out[own], MacAddress: macAddress };
  return out;
}

/** The key of `cfg` that names network `id` (`idOf` resolves a key; undefined for a removed network). */
export function keyOfNetwork(cfg: EndpointsConfig, id: string, idOf: (ref: string) => string | undefined): string | undefined {
  return Object.keys(cfg).find((k) => idOf(k) === id);
}

/** NetworkSettings.Networks of a container that is not running: what it asked for, no addresses. */
export function configuredNetworks(cfg: EndpointsConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, e] of Object.entries(cfg)) {
    out[name] = {
      IPAMConfig: e?.IPAMConfig ?? null,
      Links: e?.Links ?? null,
      Aliases: e?.Aliases ?? null,
      MacAddress: e?.MacAddress ?? '',
      NetworkID: '',
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DriverOpts: e?.DriverOpts ?? null,
      DNSNames: null,
    };
  }
  return out;
}

/**
 * A running container's NetworkSettings with what each endpoint was asked for shown as docker shows
 * it: the request's link-local addresses in IPAMConfig and its driver options (the endpoint rows
 * keep only the addresses they were given).
 */
export function withRequestedSettings<T extends { Networks?: Record<string, unknown> }>(ns: T, cfg: EndpointsConfig): T {
  if (!ns.Networks) return ns;
  const networks: Record<string, unknown> = {};
  for (const [name, ep] of Object.entries(ns.Networks)) {
    const want = cfg[name];
    const cur = ep as EndpointSettings;
    const linkLocal = want?.IPAMConfig?.LinkLocalIPs;
    networks[name] = {
      ...cur,
      ...(linkLocal?.length ? { IPAMConfig: { ...(cur.IPAMConfig ?? {}), LinkLocalIPs: linkLocal } } : {}),
      ...(want?.DriverOpts ? { DriverOpts: want.DriverOpts } : {}),
    };
  }
  return { ...ns, Networks: networks };
}
