// The containers a pod is made of: the infra container's create request, a member's request
// rewritten to join the infra container's namespaces, and the lookup of a pod's containers by label.
import { InvalidArgumentError } from '../errors.js';
import type { CreateRequest } from '../container/container-service.js';
import type { ContainerRecord } from '../container/container-record.js';
import type { PodCreateRequest } from './pod-options.js';
import type { PodRecord } from './pod-record.js';

/** The label every container of a pod carries: the pod's name. */
export const POD_LABEL = 'io.berth.pod';
/** "true" on the infra container only. */
export const POD_INFRA_LABEL = 'io.berth.pod.infra';

export function infraRequest(pod: PodRecord, req: PodCreateRequest, init: boolean): CreateRequest {
  const ports = req.PortBindings ?? {};
  return {
    Image: pod.infraImage,
    Cmd: pod.infraCommand,
    Entrypoint: pod.infraCommand.length > 0 ? [] : null,
    Hostname: pod.hostname,
    Labels: { ...pod.labels, [POD_LABEL]: pod.name, [POD_INFRA_LABEL]: 'true' },
    ExposedPorts: Object.fromEntries(Object.keys(ports).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])),
    HostConfig: {
      NetworkMode: req.NetworkMode || 'bridge',
      PortBindings: ports,
      IpcMode: pod.share.includes('ipc') ? 'shareable' : '',
      ...(init ? { Init: true } : {}),
      ...(req.Dns ? { Dns: req.Dns } : {}),
      ...(req.DnsSearch ? { DnsSearch: req.DnsSearch } : {}),
      ...(req.DnsOptions ? { DnsOptions: req.DnsOptions } : {}),
      ...(req.ExtraHosts ? { ExtraHosts: req.ExtraHosts } : {}),
    },
    ...(req.NetworkingConfig ? { NetworkingConfig: req.NetworkingConfig as Record<string, unknown> } : {}),
  };
}

const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0) || v === '';

/** A member's request: network (and per the pod, ipc and pid) joined to the infra container. */
export function memberRequest(pod: PodRecord, req: CreateRequest): CreateRequest {
  const hc = { ...(req.HostConfig ?? {}) };
  const refuse = (what: string): never => {
    throw new InvalidArgumentError(`invalid config provided: ${what} belong to the pod ${pod.name}, set them when the pod is created`);
  };
  if (!isEmpty(hc.PortBindings) || hc.PublishAllPorts === true) refuse('published ports');
  if (hc.NetworkMode && hc.NetworkMode !== 'default' && hc.NetworkMode !== `container:${pod.infraId}`) refuse('networks');
  const endpoints = (req.NetworkingConfig as { EndpointsConfig?: Record<string, unknown> } | undefined)?.EndpointsConfig;
  if (!isEmpty(endpoints)) refuse('networks');
  const join = `container:${pod.infraId}`;
  hc.NetworkMode = join;
  if (pod.share.includes('ipc') && isEmpty(hc.IpcMode)) hc.IpcMode = join;
  if (pod.share.includes('pid') && isEmpty(hc.PidMode)) hc.PidMode = join;
  const { NetworkingConfig: _dropped, ...rest } = req;
  void _dropped;
  return { ...rest, Labels: { ...(req.Labels ?? {}), [POD_LABEL]: pod.name }, HostConfig: hc };
}

/** The infra container (when it exists) first, then the members in creation order. */
export function podContainers(pod: PodRecord, all: readonly ContainerRecord[]): { infra?: ContainerRecord; members: ContainerRecord[] } {
  const mine = all.filter((c) => c.config.Labels?.[POD_LABEL] === pod.name);
  const infra = mine.find((c) => c.id === pod.infraId);
  const members = mine.filter((c) => c.id !== pod.infraId && c.config.Labels?.[POD_INFRA_LABEL] !== 'true');
  members.sort((a, b) => a.created.localeCompare(b.created));
  return { ...(infra ? { infra } : {}), members };
}
