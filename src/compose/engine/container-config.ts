// A service → the Engine API's container create body: compose's long syntax mapped onto Config,
// HostConfig and NetworkingConfig, with compose v2's labels. Pure: what to create, not creating it.
import type { ContainerCreateRequest, EndpointSettings, HostConfig, MountSpec, PortBinding } from '../../client/types.js';
import type { ComposeProject, ServiceConfig, ServicePort } from '../model/project.js';
import { serviceConfigHash } from './config-hash.js';
import {
  CONFIG_FILES_LABEL, CONFIG_HASH_LABEL, CONTAINER_NUMBER_LABEL, COMPOSE_VERSION, DEPENDENCIES_LABEL, ONEOFF_LABEL,
  PROJECT_LABEL, SERVICE_LABEL, SLUG_LABEL, VERSION_LABEL, WORKING_DIR_LABEL,
} from './labels.js';
import { secretMounts } from './secret-files.js';

export interface ContainerPlan {
  /** Replica number (`container-number`); one-off containers have 1. */
  number: number;
  /** Set for `run` containers. */
  oneoffSlug?: string;
  /** `run -e`, `--entrypoint`, a command…: overrides of the service's settings. */
  /**
   * Anonymous volumes of the container this one replaces, by target: kept unless `up -V`, as
   * compose does (a service's volume without a source, or an image VOLUME, gets the old one).
   */
  inheritedVolumes?: Readonly<Record<string, string>>;
  overrides?: { command?: string[]; entrypoint?: string[]; environment?: Record<string, string>; tty?: boolean; stdinOpen?: boolean; user?: string; workingDir?: string; noPorts?: boolean; notByServiceName?: boolean; labels?: Record<string, string> };
}

/** The image a service runs: `image:`, else compose v2's `<project>-<service>` for a built one. */
export function serviceImage(project: ComposeProject, service: ServiceConfig): string {
  return service.image ?? `${project.name}-${service.name}`;
}

export function serviceHash(service: ServiceConfig): string {
  return serviceConfigHash(service);
}

export function containerCreateBody(project: ComposeProject, service: ServiceConfig, plan: ContainerPlan): ContainerCreateRequest {
  const o = plan.overrides ?? {};
  const env = { ...definedEnv(service.environment), ...o.environment };
  const labels: Record<string, string> = {
    ...service.labels,
    ...o.labels,
    [PROJECT_LABEL]: project.name,
    [SERVICE_LABEL]: service.name,
    [CONTAINER_NUMBER_LABEL]: String(plan.number),
    [CONFIG_HASH_LABEL]: serviceHash(service),
    [ONEOFF_LABEL]: plan.oneoffSlug ? 'True' : 'False',
    [WORKING_DIR_LABEL]: project.workingDir,
    [CONFIG_FILES_LABEL]: project.configFiles.join(','),
    [DEPENDENCIES_LABEL]: Object.entries(service.depends_on).map(([n, d]) => `${n}:${d.condition}:${d.restart}`).join(','),
    [VERSION_LABEL]: COMPOSE_VERSION,
    ...(plan.oneoffSlug ? { [SLUG_LABEL]: plan.oneoffSlug } : {}),
  };
  const ports = o.noPorts ? [] : service.ports;
  const exposed: Record<string, Record<string, never>> = {};
  for (const p of service.ports) exposed[`${p.target}/${p.protocol}`] = {};
  for (const e of service.expose ?? []) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const networkNames = Object.keys(service.networks);
  const command = o.command ?? service.command;
  const entrypoint = o.entrypoint ?? service.entrypoint;
  const limits = service.deploy?.resources?.limits;
  const hc = service.healthcheck;
  const hostConfig: HostConfig = {
    Mounts: [...volumeMounts(project, service, plan.inheritedVolumes ?? {}), ...secretMounts(project, service).binds],
    PortBindings: portBindings(ports),
    RestartPolicy: restartPolicy(service.restart),
    NetworkMode: service.network_mode ?? (networkNames[0] ? project.networks[networkNames[0]]!.name : 'none'),
    ...(service.cap_add ? { CapAdd: service.cap_add } : {}),
    ...(service.cap_drop ? { CapDrop: service.cap_drop } : {}),
    ...(service.security_opt ? { SecurityOpt: service.security_opt } : {}),
    ...(service.ulimits ? { Ulimits: Object.entries(service.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard })) } : {}),
    ...(service.sysctls ? { Sysctls: service.sysctls } : {}),
    ...(service.init !== undefined ? { Init: service.init } : {}),
    ...(service.privileged ? { Privileged: true } : {}),
    ...(service.read_only ? { ReadonlyRootfs: true } : {}),
    ...(service.extra_hosts ? { ExtraHosts: service.extra_hosts } : {}),
    ...(service.dns ? { Dns: service.dns } : {}),
    ...(service.dns_search ? { DnsSearch: service.dns_search } : {}),
    ...(service.dns_opt ? { DnsOptions: service.dns_opt } : {}),
    ...(service.tmpfs ? { Tmpfs: Object.fromEntries(service.tmpfs.map((t) => { const [path, opts] = splitOnce(t, ':'); return [path, opts ?? '']; })) } : {}),
    ...(service.shm_size !== undefined ? { ShmSize: service.shm_size } : {}),
    ...(service.mem_limit ?? limits?.memory) !== undefined ? { Memory: service.mem_limit ?? limits!.memory! } : {},
    ...(service.mem_reservation !== undefined ? { MemoryReservation: service.mem_reservation } : {}),
    ...(service.cpus ?? limits?.cpus) !== undefined ? { NanoCpus: Math.round((service.cpus ?? limits!.cpus!) * 1e9) } : {},
    ...(limits?.pids !== undefined ? { PidsLimit: limits.pids } : {}),
    ...(service.cpu_shares !== undefined ? { CpuShares: service.cpu_shares } : {}),
    ...(service.group_add ? { GroupAdd: service.group_add } : {}),
    ...(service.ipc ? { IpcMode: service.ipc } : {}),
    ...(service.pid ? { PidMode: service.pid } : {}),
    ...(service.logging?.driver ? { LogConfig: { Type: service.logging.driver, Config: service.logging.options ?? {} } } : {}),
    ...(service.links ? { Links: service.links.map((l) => linkOf(project, l)) } : {}),
    ...(service.devices ? { Devices: service.devices.map(deviceOf) } : {}),
  };
  const endpoints: Record<string, EndpointSettings> = {};
  for (const key of networkNames) {
    const n = service.networks[key]!;
    endpoints[project.networks[key]!.name] = {
      // A rolling update's new container answers to the service's name only once it is ready.
      Aliases: o.notByServiceName ? [] : [service.name, ...(n.aliases ?? [])],
      ...(n.ipv4_address || n.ipv6_address ? { IPAMConfig: { ...(n.ipv4_address ? { IPv4Address: n.ipv4_address } : {}), ...(n.ipv6_address ? { IPv6Address: n.ipv6_address } : {}) } } : {}),
      ...(n.mac_address ? { MacAddress: n.mac_address } : {}),
      ...(n.driver_opts ? { DriverOpts: n.driver_opts } : {}),
    };
  }
  return {
    Image: serviceImage(project, service),
    ...(command !== null ? { Cmd: command } : {}),
    ...(entrypoint !== null ? { Entrypoint: entrypoint } : {}),
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...((o.user ?? service.user) ? { User: o.user ?? service.user } : {}),
    ...((o.workingDir ?? service.working_dir) ? { WorkingDir: o.workingDir ?? service.working_dir } : {}),
    ...(service.hostname ? { Hostname: service.hostname } : {}),
    ...(service.domainname ? { Domainname: service.domainname } : {}),
    Tty: o.tty ?? service.tty ?? false,
    OpenStdin: o.stdinOpen ?? service.stdin_open ?? false,
    AttachStdin: o.stdinOpen ?? false,
    // As docker compose run: the attached client's end of input closes the process's stdin and the
    // output keeps flowing; without it dockerd ends the attach when stdin ends, losing the output.
    StdinOnce: o.stdinOpen === true,
    AttachStdout: o.stdinOpen !== undefined,
    AttachStderr: o.stdinOpen !== undefined,
    ...(service.stop_signal ? { StopSignal: service.stop_signal } : {}),
    ...(service.stop_grace_period !== undefined ? { StopTimeout: Math.round(service.stop_grace_period / 1e9) } : {}),
    ...(service.mac_address ? { MacAddress: service.mac_address } : {}),
    ...(hc ? {
      Healthcheck: hc.disable ? { Test: ['NONE'] } : {
        ...(hc.test ? { Test: hc.test } : {}), ...(hc.interval !== undefined ? { Interval: hc.interval } : {}), ...(hc.timeout !== undefined ? { Timeout: hc.timeout } : {}),
        ...(hc.retries !== undefined ? { Retries: hc.retries } : {}), ...(hc.start_period !== undefined ? { StartPeriod: hc.start_period } : {}),
        ...(hc.start_interval !== undefined ? { StartInterval: hc.start_interval } : {}),
      },
    } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
}

function definedEnv(env: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== null) out[k] = v;
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function volumeMounts(project: ComposeProject, service: ServiceConfig, inherited: Readonly<Record<string, string>>): MountSpec[] {
  const declared = service.volumes.map((v): MountSpec => {
    const m: MountSpec = { Type: v.type, Target: v.target, ...(v.read_only ? { ReadOnly: true } : {}) };
    if (v.type === 'volume' && v.source) m.Source = project.volumes[v.source]?.name ?? v.source;
    else if (v.type === 'volume' && inherited[v.target]) m.Source = inherited[v.target];
    else if (v.source) m.Source = v.source;
    if (v.bind) m.BindOptions = { ...(v.bind.propagation ? { Propagation: v.bind.propagation } : {}), ...(v.bind.create_host_path === false ? {} : { CreateMountpoint: true }) };
    if (v.volume) m.VolumeOptions = { ...(v.volume.nocopy ? { NoCopy: true } : {}), ...(v.volume.subpath ? { Subpath: v.volume.subpath } : {}) };
    if (v.tmpfs) m.TmpfsOptions = { ...(v.tmpfs.size !== undefined ? { SizeBytes: v.tmpfs.size } : {}), ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}) };
    if (v.image?.subpath) m.ImageOptions = { Subpath: v.image.subpath };
    return m;
  });
  // The rest were the image's VOLUMEs: the same volume again at the same place.
  const targets = new Set(service.volumes.map((v) => v.target));
  const imageVolumes = Object.entries(inherited).filter(([target]) => !targets.has(target))
    .map(([target, name]): MountSpec => ({ Type: 'volume', Source: name, Target: target }));
  return [...declared, ...imageVolumes];
}

function portBindings(ports: readonly ServicePort[]): Record<string, PortBinding[]> {
  const out: Record<string, PortBinding[]> = {};
  for (const p of ports) {
    // No `published`: an ephemeral host port, as `docker run -p 80` gives.
    (out[`${p.target}/${p.protocol}`] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  return out;
}

export function restartPolicy(restart: string | undefined): { Name: string; MaximumRetryCount?: number } {
  if (!restart || restart === 'no') return { Name: 'no' };
  const [name, count] = splitOnce(restart, ':');
  return count !== undefined ? { Name: name, MaximumRetryCount: Number(count) } : { Name: name };
}

/** `service[:alias]` → `<container of service>:alias` (the first replica, as compose links). */
function linkOf(project: ComposeProject, link: string): string {
  const [svc, alias] = splitOnce(link, ':');
  return `${project.name}-${svc}-1:${alias ?? svc}`;
}

function deviceOf(d: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host, inner, perms] = d.split(':');
  return { PathOnHost: host!, PathInContainer: inner ?? host!, CgroupPermissions: perms ?? 'rwm' };
}
