// /etc/resolv.conf: parsing the host's, and writing a container's the way docker does.
import { isIPv4 } from './ipv4.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) rc.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') rc.search = rest;
    else if (key === 'options') rc.options.push(...rest);
  }
  return rc;
}

function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr.toLowerCase().startsWith('0:0:0:0:0:0:0:1');
}

/** Docker's public fallback when the host has no usable resolver left. */
export const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

/**
 * The host's resolvers as a container outside berth's DNS sees them: loopback ones are unreachable
 * from another network namespace and are dropped (as are IPv6 ones: berth's networks are IPv4), and
 * docker's public fallback is used if none remain.
 */
export function containerNameservers(host: ResolvConf): string[] {
  const usable = host.nameservers.filter((n) => !isLoopback(n) && isIPv4(n));
  return usable.length > 0 ? usable : FALLBACK_NAMESERVERS;
}

export function renderResolvConf(rc: ResolvConf): string {
  const lines: string[] = [];
  if (rc.search.length > 0) lines.push(`search ${rc.search.join(' ')}`);
  for (const n of rc.nameservers) lines.push(`nameserver ${n}`);
  if (rc.options.length > 0) lines.push(`options ${rc.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

export interface ContainerResolvOptions {
  host: ResolvConf;
  /** The host's file as read (kept verbatim on the host's network when nothing overrides it). */
  hostText?: string;
  hostNetwork?: boolean;
  /** berth's DNS server for the container's user network (undefined on the default bridge). */
  embeddedServer?: string;
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
}

/**
 * A container's resolv.conf: --dns/--dns-search/--dns-option override the host's values. On the
 * host's network (`hostNetwork`) the host's file is kept as it is when nothing overrides it, and
 * its loopback resolvers stay (they are reachable there).
 */
export function containerResolvConf(o: ContainerResolvOptions): string {
  const overridden = [o.dns, o.dnsSearch, o.dnsOptions].some((x) => x && x.length > 0);
  if (o.hostNetwork && !overridden && o.hostText !== undefined) return o.hostText;
  const search = o.dnsSearch && o.dnsSearch.length > 0 ? o.dnsSearch.filter((s) => s !== '.') : o.host.search;
  const options = o.dnsOptions && o.dnsOptions.length > 0 ? o.dnsOptions : o.host.options;
  let nameservers: string[];
  if (o.embeddedServer) {
    // The embedded server forwards to --dns servers itself; the container only sees it.
    nameservers = [o.embeddedServer];
  } else if (o.dns && o.dns.length > 0) {
    nameservers = o.dns;
  } else {
    nameservers = o.hostNetwork ? o.host.nameservers : containerNameservers(o.host);
  }
  return renderResolvConf({ nameservers, search, options });
}
