// A container's /etc/hosts, /etc/resolv.conf and /etc/hostname: the one place their content, their
// files and their bind mounts are made, for containers (with or without the network service) and
// for build steps, with docker's settings:
// - containers get all three, writable unless the root filesystem is read-only (--read-only);
// - build steps get hosts and resolv.conf read-only and no /etc/hostname, as docker's builder
//   (BuildKit) does, and BuildKit's hosts layout (`127.0.0.1 localhost <hostname>`);
// - on the host's network, hosts and resolv.conf are the host's own unless --add-host or
//   --dns* options ask for more (then hosts starts from the defaults, as docker's does);
// - elsewhere, resolv.conf drops the host's loopback resolvers (unreachable from another network
//   namespace), and hosts holds the defaults, --add-host, legacy links and the container's address.
import { readFile, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { HostConfigNet } from './api-types.js';
import {
  hostsNamesOf, parseExtraHosts, renderBuildStepHostsFile, renderHostsFile, selfNames, withHostsEntry, withoutHostsAddress, withoutHostsName,
  type HostsEntry,
} from './hosts-file.js';
import { containerResolvConf, parseResolvConf } from './resolv-conf.js';

/** Where a container's three files are on the host. */
export interface EtcFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

/** The hostname of build steps (docker's builder's). */
export const BUILD_STEP_HOSTNAME = 'buildkitsandbox';

/** docker's container files, or a build step's (BuildKit's). */
export type EtcLayout = 'container' | 'build-step';

export interface EtcFilesRequest {
  /** Whose network stack the files describe: the host's, or one of the container's own. */
  network: 'host' | 'private';
  layout?: EtcLayout;
  hostname: string;
  domainname?: string;
  /** The container's address on its first network (its own line in /etc/hosts). */
  address?: string;
  /** Its IPv6 address there, on a dual-stack network (a second line with the same names). */
  address6?: string;
  extraHosts?: HostsEntry[];
  /** Legacy --link entries (default bridge). */
  links?: HostsEntry[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** berth's DNS server of the container's user network: the only nameserver it is given. */
  embeddedServer?: string;
}

/** The request's resolver settings from a container's --dns, --dns-search and --dns-option. */
export function dnsSettingsOf(hc: HostConfigNet): Pick<EtcFilesRequest, 'dns' | 'dnsSearch' | 'dnsOptions'> {
  return {
    ...(hc.Dns ? { dns: hc.Dns } : {}),
    ...(hc.DnsSearch ? { dnsSearch: hc.DnsSearch } : {}),
    ...(hc.DnsOptions ? { dnsOptions: hc.DnsOptions } : {}),
  };
}

/** The host's own files, as read. */
export interface HostEtc {
  hosts: string;
  resolvConf: string;
}

export interface EtcFilesContent {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

const DEFAULT_HOST_RESOLV_CONF = '/etc/resolv.conf';
const HOST_HOSTS = '/etc/hosts';

/** The three files' content (pure: the host's files are passed in). */
export function renderEtcFiles(r: EtcFilesRequest, host: HostEtc): EtcFilesContent {
  const onHost = r.network === 'host';
  const extra = r.extraHosts ?? [];
  let hosts: string;
  if (r.layout === 'build-step') hosts = renderBuildStepHostsFile(r.hostname, extra);
  else if (onHost && extra.length === 0) hosts = host.hosts;
  else {
    const names = selfNames(r.hostname, r.domainname);
    const self = onHost ? [] : [r.address, r.address6].flatMap((ip) => (ip ? [{ ip, names }] : []));
    hosts = renderHostsFile({ self, extra, links: r.links ?? [] });
  }
  const resolvConf = containerResolvConf({
    host: parseResolvConf(host.resolvConf),
    hostText: host.resolvConf,
    hostNetwork: onHost,
    ...(r.embeddedServer ? { embeddedServer: r.embeddedServer } : {}),
    ...(r.dns ? { dns: r.dns } : {}),
    ...(r.dnsSearch ? { dnsSearch: r.dnsSearch } : {}),
    ...(r.dnsOptions ? { dnsOptions: r.dnsOptions } : {}),
  });
  // On the host's network docker's default hostname is the host's; berth's records always hold one
  // (the ID prefix), so the host's name is used there.
  return { hosts, resolvConf, hostname: `${onHost ? osHostname() : r.hostname}\n` };
}

/** The host's hosts and resolv.conf (missing files read as docker's minimal defaults). */
export async function readHostEtc(resolvConfPath = DEFAULT_HOST_RESOLV_CONF): Promise<HostEtc> {
  const [hosts, resolvConf] = await Promise.all([
    readFile(HOST_HOSTS, 'utf8').catch(() => '127.0.0.1\tlocalhost\n'),
    readFile(resolvConfPath, 'utf8').catch(() => ''),
  ]);
  return { hosts, resolvConf };
}

export function etcFilesIn(dir: string): EtcFiles {
  return { hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf'), hostname: join(dir, 'hostname') };
}

/**
 * Writes the three files into `dir` (which exists). Plain writes: the files are made again at
 * every start, so a torn one never outlives a crash.
 */
export async function writeEtcFiles(dir: string, r: EtcFilesRequest, hostResolvConf?: string): Promise<EtcFiles> {
  const content = renderEtcFiles(r, await readHostEtc(hostResolvConf));
  const files = etcFilesIn(dir);
  await Promise.all([
    writeFile(files.hosts, content.hosts),
    writeFile(files.resolvConf, content.resolvConf),
    writeFile(files.hostname, content.hostname),
  ]);
  return files;
}

/**
 * A running container's /etc/hosts after a network connect: its address there with the names its
 * line of address `namesOf` has (its hostname, as docker writes it), else `names`. Written in place:
 * the container sees the file through a bind mount of this inode.
 */
export async function addHostsAddress(dir: string, ip: string, o: { namesOf?: string; names: string[] }): Promise<void> {
  const file = etcFilesIn(dir).hosts;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const names = (o.namesOf ? hostsNamesOf(text, o.namesOf) : undefined) ?? o.names;
  await writeFile(file, withHostsEntry(text, { ip, names }));
}

/** A running container's /etc/hosts after a network disconnect: the lines of that address gone. */
export async function removeHostsAddress(dir: string, ip: string): Promise<void> {
  const file = etcFilesIn(dir).hosts;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined) await writeFile(file, withoutHostsAddress(text, ip));
}

/** A running container's /etc/hosts after a legacy link is removed: the link's line gone. */
export async function removeHostsLink(dir: string, alias: string): Promise<void> {
  const file = etcFilesIn(dir).hosts;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined) await writeFile(file, withoutHostsName(text, alias));
}

/** A bind mount of one of the files (the runtime's mount shape). */
export interface EtcMount {
  type: 'bind';
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface EtcMountOptions {
  layout?: EtcLayout;
  /** --read-only: docker makes the three files read-only too. */
  readonlyRootfs?: boolean;
}

/** The bind mounts of the files over the container's /etc ones. */
export function etcMounts(files: EtcFiles, o: EtcMountOptions = {}): EtcMount[] {
  if (o.layout === 'build-step') {
    return [
      { type: 'bind', source: files.resolvConf, destination: '/etc/resolv.conf', readOnly: true },
      { type: 'bind', source: files.hosts, destination: '/etc/hosts', readOnly: true },
    ];
  }
  const readOnly = o.readonlyRootfs === true;
  return [
    { type: 'bind', source: files.resolvConf, destination: '/etc/resolv.conf', readOnly },
    { type: 'bind', source: files.hostname, destination: '/etc/hostname', readOnly },
    { type: 'bind', source: files.hosts, destination: '/etc/hosts', readOnly },
  ];
}

/**
 * The files and mounts of a container no network service attaches (a berth without one): the
 * host's network, or a namespace of its own with only loopback. `host-gateway` has no address here.
 */
export async function writeUnattachedEtcFiles(
  dir: string,
  c: { hostname: string; domainname?: string; hostConfig: HostConfigNet & { ReadonlyRootfs?: boolean } },
): Promise<EtcMount[]> {
  const hc = c.hostConfig;
  const files = await writeEtcFiles(dir, {
    network: hc.NetworkMode === 'host' ? 'host' : 'private',
    hostname: c.hostname,
    ...(c.domainname ? { domainname: c.domainname } : {}),
    extraHosts: parseExtraHosts(hc.ExtraHosts ?? [], undefined),
    ...dnsSettingsOf(hc),
  });
  return etcMounts(files, { readonlyRootfs: hc.ReadonlyRootfs === true });
}
