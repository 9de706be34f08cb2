// A pod's JSON views (podman's shapes: `pod ps` and `pod inspect`) and its status from its containers'.
import type { ContainerRecord } from '../container/container-record.js';
import type { PodRecord } from './pod-record.js';

export type PodStatus = 'Created' | 'Running' | 'Paused' | 'Exited' | 'Degraded';

export interface PodMembers {
  infra?: ContainerRecord;
  members: ContainerRecord[];
}

const bucket = (c: ContainerRecord): PodStatus => {
  switch (c.state.Status) {
    case 'running':
    case 'restarting':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'created':
      return 'Created';
    default:
      return 'Exited';
  }
};

/** All containers in one state: that state; some running among others: Degraded. */
export function podStatus(m: PodMembers): PodStatus {
  const states = new Set([...(m.infra ? [m.infra] : []), ...m.members].map(bucket));
  if (states.size === 0) return 'Created';
  if (states.size === 1) return [...states][0]!;
  if (states.has('Running') || states.has('Paused')) return 'Degraded';
  return states.has('Exited') ? 'Exited' : 'Created';
}

const all = (m: PodMembers): ContainerRecord[] => [...(m.infra ? [m.infra] : []), ...m.members];
const bare = (name: string): string => name.replace(/^\//, '');

function networksOf(m: PodMembers): string[] {
  const nets = (m.infra?.networkSettings?.Networks ?? null) as Record<string, unknown> | null;
  if (nets && Object.keys(nets).length > 0) return Object.keys(nets);
  const mode = String(m.infra?.hostConfig.NetworkMode ?? '');
  return mode && mode !== 'default' ? [mode] : [];
}

export function summarizePod(p: PodRecord, m: PodMembers): Record<string, unknown> {
  return {
    Id: p.id,
    Name: p.name,
    Created: p.created,
    Status: podStatus(m),
    InfraId: p.infraId,
    Labels: p.labels,
    Networks: networksOf(m),
    Containers: all(m).map((c) => ({ Id: c.id, Names: bare(c.name), Status: c.state.Status })),
  };
}

export function inspectPod(p: PodRecord, m: PodMembers): Record<string, unknown> {
  const hc = m.infra?.hostConfig ?? {};
  const list = (k: string): string[] => (Array.isArray(hc[k]) ? (hc[k] as string[]) : []);
  const mode = String(hc.NetworkMode ?? 'bridge');
  return {
    Id: p.id,
    Name: p.name,
    Created: p.created,
    State: podStatus(m),
    Hostname: p.hostname,
    Labels: p.labels,
    CreateInfra: true,
    InfraContainerID: p.infraId,
    InfraConfig: {
      InfraImage: p.infraImage,
      InfraCommand: p.infraCommand,
      PortBindings: (hc.PortBindings as Record<string, unknown> | undefined) ?? {},
      HostNetwork: mode === 'host',
      NetworkMode: mode,
      Networks: networksOf(m),
      DNSServer: list('Dns'),
      DNSSearch: list('DnsSearch'),
      DNSOption: list('DnsOptions'),
      HostAdd: list('ExtraHosts'),
    },
    SharedNamespaces: p.share,
    NumContainers: all(m).length,
    Containers: all(m).map((c) => ({ Id: c.id, Name: bare(c.name), State: c.state.Status })),
  };
}
