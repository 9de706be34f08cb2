// berth's pod endpoints (an extension under /berth/v1/pods, docs/pods.md): a pod is an infra
// container holding the shared namespaces and ports, plus the member containers that join it.
// Shapes follow podman's libpod API where docker has nothing.
import type { IncomingMessage } from 'node:http';
import type { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';
import { type Filters, encodeFilters } from './filters.js';
import type { EndpointConfig } from './networks.js';

const enc = encodeURIComponent;
const BASE = '/berth/v1/pods';

/** The label every container of a pod carries (infra included): the pod's name. */
export const POD_LABEL = 'io.berth.pod';
/** On the infra container only: "true". */
export const POD_INFRA_LABEL = 'io.berth.pod.infra';

/** Namespaces a pod's members can share with its infra container; `net` is always shared. */
export type PodNamespace = 'net' | 'ipc' | 'pid';

export interface PodPortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface PodCreateBody {
  /** Generated (docker's adjective_name) when absent. */
  Name?: string;
  Labels?: Record<string, string>;
  Hostname?: string;
  /** Default ['net', 'ipc']; podman's names; uts follows net here. */
  Share?: string[];
  /** docker's shape: "80/tcp" → bindings; the ports are the pod's (its infra container publishes them). */
  PortBindings?: Record<string, PodPortBinding[] | null>;
  /** bridge (default), host, none or a network's name (docker's NetworkMode, for the infra container). */
  NetworkMode?: string;
  /** docker's NetworkingConfig for the infra container: aliases, static addresses, more networks. */
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointConfig> };
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[];
  /** The infra container's image (default busybox:latest, pulled when missing) and command. */
  InfraImage?: string;
  InfraCommand?: string[];
}

export type PodStatus = 'Created' | 'Running' | 'Paused' | 'Stopped' | 'Exited' | 'Degraded' | 'Dead';

export interface PodContainerSummary {
  Id: string;
  Names: string;
  Status: string;
}

export interface PodSummary {
  Id: string;
  Name: string;
  Created: string;
  Status: PodStatus;
  InfraId: string;
  Labels: Record<string, string>;
  Networks: string[];
  /** The infra container first, then the members in creation order. */
  Containers: PodContainerSummary[];
}

export interface PodInspectContainer {
  Id: string;
  Name: string;
  State: string;
}

export interface PodInspect {
  Id: string;
  Name: string;
  Created: string;
  State: PodStatus;
  Hostname: string;
  Labels: Record<string, string>;
  CreateInfra: true;
  InfraContainerID: string;
  InfraConfig: {
    InfraImage: string;
    InfraCommand: string[];
    PortBindings: Record<string, PodPortBinding[] | null>;
    HostNetwork: boolean;
    NetworkMode: string;
    Networks: string[];
    DNSServer: string[];
    DNSSearch: string[];
    DNSOption: string[];
    HostAdd: string[];
  };
  SharedNamespaces: PodNamespace[];
  NumContainers: number;
  Containers: PodInspectContainer[];
}

/** The answer of start/stop/restart/kill/pause/unpause: the pod, and the containers that failed. */
export interface PodActionReport {
  Id: string;
  /** One message per container the action failed on (empty: all went well). */
  Errs: string[];
}

export interface PodRemoveReport {
  Id: string;
  /** The containers removed with the pod (infra included). */
  RemovedCtrs: string[];
}

export interface PodPruneReport {
  PodsDeleted: string[];
}

export interface PodTop {
  Titles: string[];
  Processes: string[][];
}

export interface PodLogsOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  tail?: string;
  /** Only these members (names or IDs); all members when absent. */
  container?: string[];
  /** Prefix lines with the member's name instead of its short ID. */
  names?: boolean;
}

export async function createPod(c: ApiClient, body: PodCreateBody): Promise<{ Id: string }> {
  return c.json('POST', `${BASE}/create`, { body });
}

export async function listPods(c: ApiClient, filters?: Filters): Promise<PodSummary[]> {
  return c.json('GET', `${BASE}/json`, { query: { filters: encodeFilters(filters) } });
}

export async function inspectPod(c: ApiClient, name: string): Promise<PodInspect> {
  return c.json('GET', `${BASE}/${enc(name)}/json`);
}

export async function podExists(c: ApiClient, name: string): Promise<boolean> {
  try {
    await c.call('GET', `${BASE}/${enc(name)}/exists`);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return false;
    throw err;
  }
}

export async function startPod(c: ApiClient, name: string): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/start`);
}

export async function stopPod(c: ApiClient, name: string, timeout?: number): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/stop`, { query: { t: timeout } });
}

export async function restartPod(c: ApiClient, name: string, timeout?: number): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/restart`, { query: { t: timeout } });
}

export async function killPod(c: ApiClient, name: string, signal?: string): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/kill`, { query: { signal } });
}

export async function pausePod(c: ApiClient, name: string): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/pause`);
}

export async function unpausePod(c: ApiClient, name: string): Promise<PodActionReport> {
  return c.json('POST', `${BASE}/${enc(name)}/unpause`);
}

/** `force`: stops and removes the members too (else a pod with members is refused). */
export async function removePod(c: ApiClient, name: string, opts: { force?: boolean; timeout?: number } = {}): Promise<PodRemoveReport> {
  return c.json('DELETE', `${BASE}/${enc(name)}`, { query: { force: opts.force || undefined, t: opts.timeout } });
}

/** Removes every pod whose containers are all stopped. */
export async function prunePods(c: ApiClient, filters?: Filters): Promise<PodPruneReport> {
  return c.json('POST', `${BASE}/prune`, { query: { filters: encodeFilters(filters) } });
}

export async function topPod(c: ApiClient, name: string, psArgs?: string): Promise<PodTop> {
  return c.json('GET', `${BASE}/${enc(name)}/top`, { query: { ps_args: psArgs } });
}

/** The members' logs as one stream of docker's multiplexed frames, each line prefixed by its container. */
export async function podLogs(c: ApiClient, name: string, o: PodLogsOptions = {}): Promise<IncomingMessage> {
  return c.send('GET', `${BASE}/${enc(name)}/logs`, {
    query: {
      follow: o.follow || undefined, stdout: o.stdout ?? true, stderr: o.stderr ?? true, since: o.since || undefined, until: o.until || undefined,
      timestamps: o.timestamps || undefined, tail: o.tail, container: o.container, names: o.names || undefined,
    },
  });
}
