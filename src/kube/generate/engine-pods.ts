// `kube generate NAME…` on the engine: each name is a container (a pod of its own), a pod (the
// containers labelled with it, its infra container left out) or a volume (a claim).
import type { ApiClient } from '../../client/api-client.js';
import { ifFound } from '../if-found.js';
import { inspectContainer, listContainers } from '../../client/containers.js';
import { inspectImage } from '../../client/images.js';
import { inspectVolume } from '../../client/volumes.js';
import type { ContainerInspect } from '../../client/types.js';
import { NotFoundError } from '../../errors.js';
import { POD_INFRA_LABEL as INFRA_LABEL, POD_LABEL } from '../../client/pods.js';
import { KUBE_POD_LABEL } from '../kube-labels.js';
import { inspectedContainer } from './container-pods.js';
import { dnsName, type GenContainer, type GenPod } from './generate-model.js';


export interface EngineSources {
  pods: GenPod[];
  /** Volumes named on their own, to become claims. */
  claims: string[];
}

export async function engineSources(client: ApiClient, names: readonly string[]): Promise<EngineSources> {
  const out: EngineSources = { pods: [], claims: [] };
  for (const name of names) {
    const c = await ifFound(inspectContainer(client, name));
    if (c) {
      out.pods.push(podOf(dnsName((c.Name ?? name).replace(/^\//, '')), [c], [await genContainer(client, c)]));
      continue;
    }
    const members = await podMembers(client, name);
    if (members.length) {
      const inspected = await Promise.all(members.map((id) => inspectContainer(client, id)));
      out.pods.push(podOf(dnsName(name), inspected, await Promise.all(inspected.map((m) => genContainer(client, m)))));
      continue;
    }
    const v = await ifFound(inspectVolume(client, name));
    if (v) {
      out.claims.push(dnsName(v.Name));
      continue;
    }
    throw new NotFoundError(`${name}: no such container, pod or volume`);
  }
  return out;
}

async function podMembers(client: ApiClient, pod: string): Promise<string[]> {
  for (const label of [POD_LABEL, KUBE_POD_LABEL]) {
    const list = await listContainers(client, { all: true, filters: { label: [`${label}=${pod}`] } });
    const members = list.filter((c) => c.Labels?.[INFRA_LABEL] !== 'true').sort((a, b) => a.Created - b.Created);
    if (members.length) return members.map((c) => c.Id);
  }
  return [];
}

async function genContainer(client: ApiClient, c: ContainerInspect): Promise<GenContainer> {
  const image = (await inspectImage(client, c.Image ?? c.Config?.Image ?? '').catch(() => undefined)) as { Config?: { Env?: string[] } } | undefined;
  const g = inspectedContainer(c, image?.Config?.Env ?? []);
  const kubeName = c.Config?.Labels?.['io.berth.kube.container'];
  return kubeName ? { ...g, name: kubeName } : g;
}

function podOf(name: string, inspected: readonly ContainerInspect[], containers: GenContainer[]): GenPod {
  const first = inspected[0]!;
  const labels = { ...(first.Config?.Labels ?? {}) };
  for (const k of Object.keys(labels)) if (k.startsWith('io.berth.')) delete labels[k];
  const restart = first.HostConfig?.RestartPolicy?.Name;
  return { name, containers, ...(restart ? { restart } : {}), annotations: labels, replicas: 1 };
}


/** `kube generate -p PROJECT`: the compose project's running containers, one pod per service. */
export async function projectSources(client: ApiClient, project: string): Promise<EngineSources> {
  const list = await listContainers(client, { all: true, filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.oneoff=False'] } });
  if (list.length === 0) throw new NotFoundError(`no containers found for project ${JSON.stringify(project)}`);
  const byService = new Map<string, string[]>();
  for (const c of list.sort((a, b) => a.Created - b.Created)) {
    const s = c.Labels?.['com.docker.compose.service'] ?? '';
    byService.set(s, [...(byService.get(s) ?? []), c.Id]);
  }
  const pods: GenPod[] = [];
  for (const [service, ids] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const c = await inspectContainer(client, ids[0]!);
    const g = await genContainer(client, c);
    const pod = podOf(dnsName(service), [c], [{ ...g, name: dnsName(service), mounts: g.mounts.map((m) => (m.kind === 'claim' ? { ...m, claim: dnsName(m.claim) } : m)) }]);
    for (const k of Object.keys(pod.annotations)) if (k.startsWith('com.docker.compose.')) delete pod.annotations[k];
    pods.push({ ...pod, replicas: ids.length });
  }
  return { pods, claims: [] };
}
