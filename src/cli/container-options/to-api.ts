// run/create flags → the JSON body of POST /containers/create (Config + HostConfig +
// NetworkingConfig), mapped the way docker's CLI maps them. Pure apart from the files some
// flags name (--env-file, --label-file, --security-opt seccomp=…), read through `io`.
import { InvalidArgumentError } from '../../errors.js';
import type { ContainerCreateRequest, DeviceRequest, EndpointSettings, ThrottleDevice, WeightDevice, HealthConfig, HostConfig, PortBinding } from '../../client/types.js';
import { parseKeyValue, type FlagValues } from '../flags/flag-spec.js';
import { parseDevice, parseMount, parseRestartPolicy, parseUlimit } from './mount-spec.js';
import { parseExpose, parsePublish } from './port-spec.js';

export interface OptionsIO {
  readFile(path: string): string;
  env: Record<string, string | undefined>;
}

export interface CreatePlan {
  name?: string;
  platform?: string;
  /** berth's --pod: the container joins that pod. */
  pod?: string;
  /** --use-api-socket: the daemon's socket and the caller's registry credentials go in (api-socket.ts). */
  useApiSocket?: boolean;
  pull: 'always' | 'missing' | 'never';
  body: ContainerCreateRequest;
}

/** Reads an env/label file: `KEY=value` lines, `#` comments, bare names taken from `env`. */
export function parseEnvFile(text: string, env: Record<string, string | undefined>, path: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq === 0) throw new InvalidArgumentError(`no variable name on line '${line}'`);
    if (eq === -1) {
      if (/\s/.test(line)) throw new InvalidArgumentError(`variable '${line.trim()}' contains whitespaces (${path}:${i + 1})`);
      const v = env[line];
      if (v !== undefined) out.push(`${line}=${v}`);
      return;
    }
    out.push(line);
  });
  return out;
}

function envEntry(e: string, env: Record<string, string | undefined>): string {
  if (e.includes('=')) {
    if (e.startsWith('=')) throw new InvalidArgumentError(`invalid environment variable: ${e}`);
    return e;
  }
  const v = env[e];
  return v !== undefined ? `${e}=${v}` : e;
}

/** docker's rule: a -v value with a host part (absolute path or volume name) is a bind. */
function splitVolume(spec: string): string[] {
  return spec.split(':');
}

function toMap(pairs: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    try {
      const [k, v] = parseKeyValue(p);
      out[k] = v;
    } catch {
      throw new InvalidArgumentError(`invalid ${what}: ${p}`);
    }
  }
  return out;
}

function readSecurityOpts(opts: readonly string[], io: OptionsIO): string[] {
  return opts.map((o) => {
    const sep = o.includes('=') ? '=' : o.includes(':') ? ':' : '';
    if (sep === '') {
      if (o === 'no-new-privileges') return o;
      throw new InvalidArgumentError(`Invalid --security-opt: ${JSON.stringify(o)}`);
    }
    const idx = o.indexOf(sep);
    const key = o.slice(0, idx);
    const value = o.slice(idx + 1);
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin') {
      let text: string;
      try {
        text = io.readFile(value);
      } catch (err) {
        throw new InvalidArgumentError(`opening seccomp profile (${value}) failed: ${(err as Error).message}`);
      }
      // The daemon wants the profile itself, compacted.
      try {
        return `seccomp=${JSON.stringify(JSON.parse(text))}`;
      } catch {
        throw new InvalidArgumentError(`compacting json for seccomp profile (${value}) failed`);
      }
    }
    return `${key}=${value}`;
  });
}

/** Builds the create request from parsed flags; `args` are IMAGE [COMMAND] [ARG...]. */
export function buildCreatePlan(flags: FlagValues, set: ReadonlySet<string>, args: readonly string[], io: OptionsIO): CreatePlan {
  const f = <T>(name: string): T => flags[name] as T;
  const lst = (name: string): string[] => (flags[name] as string[] | undefined) ?? [];
  const image = args[0]!;
  const cmd = args.slice(1);

  // Attach: -a lists streams; otherwise stdout+stderr, and stdin with -i.
  const attach = lst('attach');
  const detach = Boolean(flags.detach);
  if (detach && attach.length > 0) throw new InvalidArgumentError('Conflicting options: -a and -d');
  let attachStdin = attach.includes('stdin') || Boolean(f('interactive'));
  let attachStdout = attach.length === 0 || attach.includes('stdout');
  let attachStderr = attach.length === 0 || attach.includes('stderr');
  if (detach) attachStdin = attachStdout = attachStderr = false;

  const env: string[] = [];
  for (const file of lst('env-file')) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    env.push(...parseEnvFile(text, io.env, file));
  }
  for (const e of lst('env')) env.push(envEntry(e, io.env));

  const labels: Record<string, string> = {};
  const labelLines: string[] = [];
  for (const file of lst('label-file')) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    labelLines.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
  }
  labelLines.push(...lst('label'));
  for (const l of labelLines) {
    const eq = l.indexOf('=');
    if (eq === 0) throw new InvalidArgumentError(`invalid label '${l}': empty name`);
    if (eq === -1) labels[l] = '';
    else labels[l.slice(0, eq)] = l.slice(eq + 1);
  }

  // Ports.
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const p of lst('publish')) {
    for (const m of parsePublish(p)) {
      exposed[m.port] = {};
      (bindings[m.port] ??= []).push(m.binding);
    }
  }
  for (const e of lst('expose')) for (const port of parseExpose(e)) exposed[port] = {};

  // Volumes: anonymous ones go to Config.Volumes, anything with a source to Binds.
  const volumes: Record<string, Record<string, never>> = {};
  const binds: string[] = [];
  for (const v of lst('volume')) {
    const parts = splitVolume(v);
    if (parts.length === 1) {
      if (parts[0] === '') throw new InvalidArgumentError(`invalid empty volume spec`);
      volumes[parts[0]!] = {};
    } else {
      if (parts.length > 3 || parts[1] === '') throw new InvalidArgumentError(`invalid volume specification: '${v}'`);
      binds.push(v);
    }
  }

  // Health check.
  const hInterval = f<number | undefined>('health-interval') ?? 0;
  const hTimeout = f<number | undefined>('health-timeout') ?? 0;
  const hStart = f<number | undefined>('health-start-period') ?? 0;
  const hStartInterval = f<number | undefined>('health-start-interval') ?? 0;
  const hRetries = f<number | undefined>('health-retries') ?? 0;
  const hCmd = f<string | undefined>('health-cmd') ?? '';
  const haveHealth = hCmd !== '' || hInterval !== 0 || hTimeout !== 0 || hStart !== 0 || hStartInterval !== 0 || hRetries !== 0;
  let healthcheck: HealthConfig | undefined;
  if (f('no-healthcheck')) {
    if (haveHealth) throw new InvalidArgumentError('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (haveHealth) {
    for (const [name, v] of [['interval', hInterval], ['timeout', hTimeout], ['start-period', hStart], ['start-interval', hStartInterval], ['retries', hRetries]] as const) {
      if (v < 0) throw new InvalidArgumentError(`--health-${name} cannot be negative`);
    }
    healthcheck = {
      ...(hCmd !== '' ? { Test: ['CMD-SHELL', hCmd] } : {}),
      Interval: hInterval, Timeout: hTimeout, StartPeriod: hStart, StartInterval: hStartInterval, Retries: hRetries,
    };
  }

  const restart = parseRestartPolicy(f<string>('restart') ?? 'no');
  if (f('rm') && restart.Name !== 'no') throw new InvalidArgumentError('Conflicting options: --restart and --rm');

  const pull = f<string>('pull') ?? 'missing';
  if (!['always', 'missing', 'never'].includes(pull)) throw new InvalidArgumentError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);

  const networks = lst('network');
  const networkMode = networks[0] ?? 'default';
  const tmpfs: Record<string, string> = {};
  for (const t of lst('tmpfs')) {
    const idx = t.indexOf(':');
    if (idx === -1) tmpfs[t] = '';
    else tmpfs[t.slice(0, idx)] = t.slice(idx + 1);
  }

  const logOpts = toMap(lst('log-opt'), 'log-opt');
  const hostConfig: HostConfig = {
    Binds: binds,
    ContainerIDFile: f<string>('cidfile') ?? '',
    LogConfig: { Type: f<string>('log-driver') ?? '', Config: logOpts },
    NetworkMode: networkMode,
    PortBindings: bindings,
    RestartPolicy: restart,
    AutoRemove: Boolean(f('rm')),
    VolumeDriver: f<string>('volume-driver') ?? '',
    VolumesFrom: lst('volumes-from'),
    CapAdd: lst('cap-add'),
    CapDrop: lst('cap-drop'),
    CgroupnsMode: f<string>('cgroupns') ?? '',
    Dns: lst('dns'),
    DnsOptions: lst('dns-option'),
    DnsSearch: lst('dns-search'),
    ExtraHosts: lst('add-host'),
    GroupAdd: lst('group-add'),
    IpcMode: f<string>('ipc') ?? '',
    Cgroup: '',
    Links: lst('link').map((l) => (l.includes(':') ? l : `${l}:${l}`)),
    OomScoreAdj: f<number>('oom-score-adj') ?? 0,
    PidMode: f<string>('pid') ?? '',
    Privileged: Boolean(f('privileged')),
    PublishAllPorts: Boolean(f('publish-all')),
    ReadonlyRootfs: Boolean(f('read-only')),
    SecurityOpt: readSecurityOpts(lst('security-opt'), io),
    ...(lst('storage-opt').length ? { StorageOpt: toMap(lst('storage-opt'), 'storage-opt') } : {}),
    ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
    UTSMode: f<string>('uts') ?? '',
    UsernsMode: f<string>('userns') ?? '',
    ShmSize: f<number>('shm-size') ?? 0,
    ...(lst('sysctl').length ? { Sysctls: toMap(lst('sysctl'), 'sysctl') } : {}),
    ...(f<string>('runtime') ? { Runtime: f<string>('runtime') } : {}),
    ...(f<string>('isolation') ? { Isolation: f<string>('isolation') } : {}),
    ...(lst('annotation').length ? { Annotations: toMap(lst('annotation'), 'annotation') } : {}),
    CpuShares: f<number>('cpu-shares') ?? 0,
    Memory: f<number>('memory') ?? 0,
    NanoCpus: f<number>('cpus') ?? 0,
    CgroupParent: f<string>('cgroup-parent') ?? '',
    BlkioWeight: f<number>('blkio-weight') ?? 0,
    ...(lst('blkio-weight-device').length ? { BlkioWeightDevice: flags['blkio-weight-device'] as WeightDevice[] } : {}),
    ...(lst('device-read-bps').length ? { BlkioDeviceReadBps: flags['device-read-bps'] as ThrottleDevice[] } : {}),
    ...(lst('device-write-bps').length ? { BlkioDeviceWriteBps: flags['device-write-bps'] as ThrottleDevice[] } : {}),
    ...(lst('device-read-iops').length ? { BlkioDeviceReadIOps: flags['device-read-iops'] as ThrottleDevice[] } : {}),
    ...(lst('device-write-iops').length ? { BlkioDeviceWriteIOps: flags['device-write-iops'] as ThrottleDevice[] } : {}),
    ...(lst('gpus').length ? { DeviceRequests: flags.gpus as DeviceRequest[] } : {}),
    CpuPeriod: f<number>('cpu-period') ?? 0,
    CpuQuota: f<number>('cpu-quota') ?? 0,
    CpuRealtimePeriod: f<number>('cpu-rt-period') ?? 0,
    CpuRealtimeRuntime: f<number>('cpu-rt-runtime') ?? 0,
    CpusetCpus: f<string>('cpuset-cpus') ?? '',
    CpusetMems: f<string>('cpuset-mems') ?? '',
    Devices: lst('device').map(parseDevice),
    DeviceCgroupRules: lst('device-cgroup-rule'),
    MemoryReservation: f<number>('memory-reservation') ?? 0,
    MemorySwap: f<number>('memory-swap') ?? 0,
    ...((f<number>('memory-swappiness') ?? -1) !== -1 ? { MemorySwappiness: f<number>('memory-swappiness') } : {}),
    OomKillDisable: Boolean(f('oom-kill-disable')),
    ...(set.has('init') ? { Init: Boolean(f('init')) } : {}),
    ...(set.has('pids-limit') ? { PidsLimit: f<number>('pids-limit') } : {}),
    Ulimits: lst('ulimit').map(parseUlimit),
    Mounts: lst('mount').map(parseMount),
    ...(set.has('lxcfs') ? { Lxcfs: Boolean(f('lxcfs')) } : {}),
    ...(set.has('health-on-failure') ? { HealthOnFailure: healthOnFailure(f<string>('health-on-failure') ?? 'none') } : {}),
  };

  // Endpoint settings for the first network (docker attaches to the others after create).
  const endpoints: Record<string, EndpointSettings> = {};
  const aliases = lst('network-alias');
  const ip = f<string>('ip');
  const ip6 = f<string>('ip6');
  const linkLocal = lst('link-local-ip');
  const mac = f<string>('mac-address');
  if (networks.length > 0 || aliases.length > 0 || ip || ip6 || linkLocal.length > 0 || mac) {
    const ep: EndpointSettings = {};
    if (aliases.length) ep.Aliases = aliases;
    if (ip || ip6 || linkLocal.length) ep.IPAMConfig = { ...(ip ? { IPv4Address: ip } : {}), ...(ip6 ? { IPv6Address: ip6 } : {}), ...(linkLocal.length ? { LinkLocalIPs: linkLocal } : {}) };
    if (mac) ep.MacAddress = mac;
    endpoints[networkMode] = ep;
    for (const extra of networks.slice(1)) endpoints[extra] = {};
  }

  const entrypoint = f<string | undefined>('entrypoint');
  const body: ContainerCreateRequest = {
    Hostname: f<string>('hostname') ?? '',
    Domainname: f<string>('domainname') ?? '',
    User: f<string>('user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: Boolean(f('tty')),
    OpenStdin: Boolean(f('interactive')),
    StdinOnce: attachStdin,
    Env: env,
    ...(cmd.length > 0 ? { Cmd: cmd } : {}),
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    Image: image,
    ...(Object.keys(volumes).length ? { Volumes: volumes } : {}),
    WorkingDir: f<string>('workdir') ?? '',
    ...(entrypoint !== undefined && entrypoint !== '' ? { Entrypoint: [entrypoint] } : set.has('entrypoint') ? { Entrypoint: [''] } : {}),
    Labels: labels,
    ...(f<string>('stop-signal') ? { StopSignal: f<string>('stop-signal') } : {}),
    ...(set.has('stop-timeout') ? { StopTimeout: f<number>('stop-timeout') } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
  const plan: CreatePlan = { pull: pull as CreatePlan['pull'], body };
  if (f<string>('name')) plan.name = f<string>('name');
  if (f<string>('platform')) plan.platform = f<string>('platform');
  if (f<string>('pod')) plan.pod = f<string>('pod');
  if (f<boolean>('use-api-socket')) plan.useApiSocket = true;
  return plan;
}

/** berth's --health-on-failure: what happens once a container turns unhealthy. */
function healthOnFailure(v: string): string {
  if (!['none', 'kill', 'restart', 'stop'].includes(v)) throw new InvalidArgumentError(`invalid --health-on-failure value "${v}": must be one of none, kill, restart, stop`);
  return v;
}
