// A container's /etc/hosts and /etc/hostname, in docker's layout.
import { InvalidArgumentError } from '../errors.js';

export interface HostsEntry {
  ip: string;
  names: string[];
}

const DEFAULT_ENTRIES: HostsEntry[] = [
  { ip: '127.0.0.1', names: ['localhost'] },
  { ip: '::1', names: ['localhost', 'ip6-localhost', 'ip6-loopback'] },
  { ip: 'fe00::0', names: ['ip6-localnet'] },
  { ip: 'ff00::0', names: ['ip6-mcastprefix'] },
  { ip: 'ff02::1', names: ['ip6-allnodes'] },
  { ip: 'ff02::2', names: ['ip6-allrouters'] },
];

/**
 * Parses `--add-host` values (`name:ip`, `name=ip`; `host-gateway` stands for the host's address as
 * seen from containers).
 */
export function parseExtraHosts(values: string[], hostGatewayIp: string | undefined): HostsEntry[] {
  return values.map((v) => {
    const sep = v.includes('=') ? v.indexOf('=') : v.indexOf(':');
    if (sep <= 0) throw new InvalidArgumentError(`invalid argument "${v}" for "--add-host" flag: bad format for add-host: "${v}"`);
    const name = v.slice(0, sep);
    let ip = v.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
    if (ip === 'host-gateway') {
      if (!hostGatewayIp) throw new InvalidArgumentError('unable to derive the IP value for host-gateway');
      ip = hostGatewayIp;
    }
    return { ip, names: [name] };
  });
}

export interface HostsFileOptions {
  /** The container's own addresses (IPv4, then IPv6 on dual-stack networks) and names. */
  self?: HostsEntry[];
  extra: HostsEntry[];
  /** Legacy --link entries. */
  links?: HostsEntry[];
}

export function renderHostsFile(o: HostsFileOptions): string {
  const entries = [...DEFAULT_ENTRIES, ...o.extra, ...(o.links ?? [])];
  entries.push(...(o.self ?? []));
  return renderEntries(entries);
}

function renderEntries(entries: HostsEntry[]): string {
  return entries.map((e) => `${e.ip}\t${e.names.join(' ')}`).join('\n') + '\n';
}

/** The file with `entry` added at its end (a network connected to a running container). */
export function withHostsEntry(text: string, entry: HostsEntry): string {
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return body + renderEntries([entry]);
}

/** The file without the lines of address `ip` (a network disconnected from a running container). */
export function withoutHostsAddress(text: string, ip: string): string {
  return text.split('\n').filter((line) => line.split(/\s+/)[0] !== ip).join('\n');
}

/** The file without the lines whose first name is `name` (a legacy link removed). */
export function withoutHostsName(text: string, name: string): string {
  return text.split('\n').filter((line) => line.split(/\s+/)[1] !== name).join('\n');
}

/** The names of the line of address `ip`, if the file has one. */
export function hostsNamesOf(text: string, ip: string): string[] | undefined {
  const line = text.split('\n').find((l) => l.split(/\s+/)[0] === ip);
  return line ? line.split(/\s+/).slice(1).filter(Boolean) : undefined;
}

/** The short name docker puts beside the container's IP: hostname, and hostname.domainname if set. */
export function selfNames(hostname: string, domainname: string | undefined): string[] {
  return domainname ? [`${hostname}.${domainname}`, hostname] : [hostname];
}

/**
 * A build step's /etc/hosts as docker's builder (BuildKit) writes it whatever the network: loopback
 * names with the step's hostname, then --add-host entries; no address of its own.
 */
export function renderBuildStepHostsFile(hostname: string, extra: HostsEntry[]): string {
  const entries: HostsEntry[] = [
    { ip: '127.0.0.1', names: ['localhost', hostname] },
    { ip: '::1', names: ['localhost', 'ip6-localhost', 'ip6-loopback'] },
    ...extra,
  ];
  return renderEntries(entries);
}
