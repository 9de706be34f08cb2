// Docker's JSON views of a container: inspect (ContainerInspectResponse) and ps (ContainerSummary).
import type { ContainerRecord } from './container-record.js';
import { logDriverOf } from './log-driver.js';
import { configuredNetworks, endpointsConfigOf, withRequestedSettings } from './endpoints-config.js';

const isRunningStatus = (c: ContainerRecord): boolean => c.state.Status === 'running' || c.state.Status === 'paused';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectContainer(c: ContainerRecord, extra: { sizeRw?: number; sizeRootFs?: number; execIds?: string[] } = {}): Record<string, unknown> {
  const s = c.state;
  const running = s.Status === 'running' || s.Status === 'paused';
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: {
      Status: s.Status,
      Running: running,
      Paused: s.Status === 'paused',
      Restarting: s.Status === 'restarting',
      OOMKilled: s.OOMKilled,
      Dead: s.Status === 'dead',
      Pid: running ? s.Pid : 0,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt || ZERO_TIME,
      FinishedAt: s.FinishedAt || ZERO_TIME,
      ...(s.Health ? { Health: s.Health } : {}),
    },
    Image: c.imageId,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    // docker shows a path only for json-file, the one driver whose file clients may read.
    LogPath: logDriverOf(c.hostConfig.LogConfig) === 'json-file' ? c.logPath : '',
    Name: c.name,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: extra.execIds && extra.execIds.length > 0 ? extra.execIds : null,
    HostConfig: fullHostConfig(c),
    GraphDriver: { Name: 'overlay2', Data: null },
    ...(extra.sizeRw !== undefined ? { SizeRw: extra.sizeRw, SizeRootFs: extra.sizeRootFs ?? 0 } : {}),
    Mounts: c.mounts ?? [],
    Config: fullConfig(c),
    NetworkSettings: running && c.networkSettings ? withRequestedSettings(c.networkSettings, endpointsConfigOf(c)) : configuredNetworkSettings(c),
  };
}

function fullConfig(c: ContainerRecord): Record<string, unknown> {
  const k = c.config;
  return {
    Hostname: k.Hostname ?? '',
    Domainname: k.Domainname ?? '',
    User: k.User ?? '',
    AttachStdin: Boolean(k.AttachStdin),
    AttachStdout: Boolean(k.AttachStdout),
    AttachStderr: Boolean(k.AttachStderr),
    ...(k.ExposedPorts && Object.keys(k.ExposedPorts).length ? { ExposedPorts: k.ExposedPorts } : {}),
    Tty: Boolean(k.Tty),
    OpenStdin: Boolean(k.OpenStdin),
    StdinOnce: Boolean(k.StdinOnce),
    Env: k.Env ?? [],
    Cmd: k.Cmd ?? null,
    ...(k.Healthcheck ? { Healthcheck: k.Healthcheck } : {}),
    Image: c.imageName,
    Volumes: k.Volumes ?? null,
    WorkingDir: k.WorkingDir ?? '',
    Entrypoint: k.Entrypoint ?? null,
    OnBuild: k.OnBuild ?? null,
    Labels: k.Labels ?? {},
    ...(k.StopSignal ? { StopSignal: k.StopSignal } : {}),
    ...(typeof k.StopTimeout === 'number' ? { StopTimeout: k.StopTimeout } : {}),
  };
}

function fullHostConfig(c: ContainerRecord): Record<string, unknown> {
  const h = c.hostConfig;
  return {
    Binds: null, ContainerIDFile: '', NetworkMode: 'bridge', PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '', VolumesFrom: null,
    ConsoleSize: [0, 0], CapAdd: null, CapDrop: null, CgroupnsMode: 'host', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '',
    Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '',
    ShmSize: 67108864, Runtime: 'runc', Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '',
    BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '',
    CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0,
    MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: [], CpuCount: 0, CpuPercent: 0,
    IOMaximumIOps: 0, IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null, Init: null,
    ...h,
    LogConfig: { Type: logDriverOf(h.LogConfig), Config: h.LogConfig?.Config ?? {} },
  };
}

/** A container that is not running: the networks it is configured for, no addresses (its last
 *  sandbox's ID and key stay, as docker's). */
function configuredNetworkSettings(c: ContainerRecord): Record<string, unknown> {
  const last = c.networkSettings as { SandboxID?: string; SandboxKey?: string } | undefined;
  return {
    Bridge: '', SandboxID: last?.SandboxID ?? '', SandboxKey: last?.SandboxKey ?? '', Ports: {}, HairpinMode: false,
    LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '',
    Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
    Networks: configuredNetworks(endpointsConfigOf(c)),
  };
}

/** docker's human status: "Up 5 minutes", "Exited (0) 3 seconds ago", "Created". */
export function humanStatus(c: ContainerRecord, now = Date.now()): string {
  const s = c.state;
  switch (s.Status) {
    case 'running':
    case 'paused': {
      const up = `Up ${humanDuration(now - Date.parse(s.StartedAt))}`;
      const health = s.Health && s.Health.Status !== 'none' ? ` (${s.Health.Status === 'starting' ? 'health: starting' : s.Health.Status})` : '';
      return s.Status === 'paused' ? `${up} (Paused)` : up + health;
    }
    case 'restarting':
      return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
    case 'exited':
      if (!c.hasBeenStarted && s.FinishedAt === ZERO_TIME) return 'Created';
      return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

/** docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

export function summarizeContainer(c: ContainerRecord, ports: Array<Record<string, unknown>> = []): Record<string, unknown> {
  const cmd = [c.path, ...c.args].map((a) => a).join(' ');
  const ns = c.networkSettings as { Networks?: Record<string, unknown> } | undefined;
  return {
    Id: c.id,
    Names: [c.name],
    Image: c.imageName,
    ImageID: c.imageId,
    Command: cmd,
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    Labels: c.config.Labels ?? {},
    State: c.state.Status,
    Status: humanStatus(c),
    HostConfig: { NetworkMode: String(c.hostConfig.NetworkMode ?? 'bridge') },
    NetworkSettings: { Networks: (isRunningStatus(c) && ns ? withRequestedSettings(ns, endpointsConfigOf(c)).Networks : undefined) ?? configuredNetworks(endpointsConfigOf(c)) },
    Mounts: (c.mounts ?? []).map((m) => m),
  };
}
