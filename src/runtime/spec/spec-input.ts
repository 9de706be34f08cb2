// What generateSpec reads: the parts of the Engine API's container Config and HostConfig that
// shape the OCI spec (field names as in the API, so API objects fit as they are), plus what other
// services resolved (mounts, network namespace, cgroup path).
import type { IdMap } from '../../oci/id-map.js';
import type { DeviceRequest } from './device-requests.js';

export interface UlimitSetting {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer?: string;
  CgroupPermissions?: string;
}

export interface WeightDevice {
  Path: string;
  Weight: number;
}

export interface ThrottleDevice {
  Path: string;
  Rate: number;
}

/** The container's Config (already merged with the image's config). */
export interface SpecContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string | null;
}

/** The container's HostConfig (resources included, as in the API). */
export interface SpecHostConfig {
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  SecurityOpt?: string[] | null;
  GroupAdd?: string[] | null;
  OomScoreAdj?: number;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  CgroupnsMode?: string;
  NetworkMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string> | null;
  Tmpfs?: Record<string, string> | null;
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  Annotations?: Record<string, string> | null;
  ConsoleSize?: [number, number] | number[] | null;
  Init?: boolean | null;
  // Resources
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number | null;
  KernelMemory?: number;
  KernelMemoryTCP?: number;
  OomKillDisable?: boolean | null;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  BlkioWeightDevice?: WeightDevice[] | null;
  BlkioDeviceReadBps?: ThrottleDevice[] | null;
  BlkioDeviceWriteBps?: ThrottleDevice[] | null;
  BlkioDeviceReadIOps?: ThrottleDevice[] | null;
  BlkioDeviceWriteIOps?: ThrottleDevice[] | null;
  Devices?: DeviceMapping[] | null;
  DeviceCgroupRules?: string[] | null;
  DeviceRequests?: DeviceRequest[] | null;
  Ulimits?: UlimitSetting[] | null;
}

export type MountPropagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';

/**
 * A mount resolved by the volume or network service. `bind`: source is a host path (binds,
 * named volumes, /etc/hosts …); `tmpfs`: options are tmpfs data (size=…, mode=…, uid=…) and
 * flags (exec, noexec …); other types pass through with their options.
 */
export interface SpecMount {
  type: 'bind' | 'tmpfs' | string;
  source?: string;
  destination: string;
  readOnly?: boolean;
  /** Bind propagation; default rprivate like docker's binds. */
  propagation?: MountPropagation;
  options?: string[];
}

export interface GenerateSpecInput {
  id: string;
  /** Absolute path of the container's mounted root filesystem. */
  rootfs: string;
  config: SpecContainerConfig;
  hostConfig: SpecHostConfig;
  /** Placed after docker's default mounts, parents before children; they replace a default at the same destination. */
  mounts?: SpecMount[];
  /**
   * A namespace path to join, 'host' for --network host; absent: a new one (runc brings up lo),
   * or the host's when HostConfig.NetworkMode is 'host'. `userns`: the user namespace that owns
   * the joined one (a remapped daemon's), which a container in a user namespace joins.
   */
  netns?: { path?: string; userns?: string } | 'host';
  /** Paths of namespaces to join for `--pid container:x` / `--ipc container:x` (/proc/<pid>/ns/…). */
  joinNamespaces?: { pid?: string; ipc?: string };
  /** Cgroup path for runc (cgroupfs driver: /berth/<id>). */
  cgroupsPath: string;
  /** The host's bounding set; read from /proc/self/status when absent. */
  hostCapabilities?: bigint;
  /**
   * When lxcfs runs and the container wants its /proc files. With seccompListener (and docker's
   * default profile), sysinfo and sched_getaffinity go to the container's seccomp agent listening there.
   */
  lxcfs?: { mountPoint: string; seccompListener?: string };
  /** The daemon's --userns-remap mapping: the container gets a user namespace with it unless UsernsMode is "host". */
  userns?: IdMap;
  /** Host path of the init binary (tini) bound at /sbin/docker-init for HostConfig.Init. */
  initPath?: string;
  /** Make Config.WorkingDir inside the rootfs when it is missing (owned by the user), like docker. Default true. */
  createWorkingDir?: boolean;
}
