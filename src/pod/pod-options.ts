// A pod's create request (the API's JSON, docs/pods.md) checked and completed with berth's defaults.
import { InvalidArgumentError } from '../errors.js';

/** Namespaces members share with the infra container; `net` always (uts follows it). */
export type PodNamespace = 'net' | 'ipc' | 'pid';

export interface PodPortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface PodCreateRequest {
  Name?: string;
  Labels?: Record<string, string> | null;
  Hostname?: string;
  Share?: string[] | null;
  PortBindings?: Record<string, PodPortBinding[] | null> | null;
  NetworkMode?: string;
  NetworkingConfig?: { EndpointsConfig?: Record<string, unknown> | null } | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  ExtraHosts?: string[] | null;
  InfraImage?: string;
  InfraCommand?: string[] | null;
}

/** podman's default share set minus uts (berth's net-joined containers take the infra's hostname). */
export const DEFAULT_SHARE: PodNamespace[] = ['net', 'ipc'];
/** berth's set-up imports busybox:latest; any image whose command blocks forever will do. */
export const DEFAULT_INFRA_IMAGE = 'busybox:latest';
export const DEFAULT_INFRA_COMMAND = ['sleep', '2147483647'];

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validatePodName(name: string): string {
  if (!NAME.test(name)) throw new InvalidArgumentError(`invalid pod name "${name}": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
  return name;
}

/** `--share`: a list of net, ipc, pid (podman's names); net is added when missing. */
export function parseShare(share: readonly string[] | null | undefined): PodNamespace[] {
  if (!share) return [...DEFAULT_SHARE];
  const out = new Set<PodNamespace>(['net']);
  for (const s of share.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
    if (s === 'net' || s === 'ipc' || s === 'pid') out.add(s);
    else if (s === 'uts') continue; // follows net
    else throw new InvalidArgumentError(`invalid kernel namespace to share: ${s}: berth pods share net, ipc, pid (uts follows net)`);
  }
  return [...out];
}
