// `kube play`: the checked plan → volumes, the kube network and each pod through the Engine API
// and berth's pods API: the pod (its infra container holds the network namespace, the published
// ports and the DNS names: pod name, hostname, the Services selecting it), then its containers
// joining it; init containers run first, one after another, each to success.
import type { ApiClient } from '../client/api-client.js';
import { beginWait, createContainer, startContainer } from '../client/containers.js';
import { inspectImage } from '../client/images.js';
import { createNetwork, inspectNetwork } from '../client/networks.js';
import { createVolume, inspectVolume } from '../client/volumes.js';
import type { PortBinding } from '../client/types.js';
import { singleFileTar } from '../compose/engine/single-file-tar.js';
import { InvalidArgumentError } from '../errors.js';
import { ifFound } from './if-found.js';
import { KUBE_NETWORK, KUBE_NETWORK_LABEL, KUBE_OBJECT_LABEL, KUBE_POD_LABEL } from './kube-labels.js';
import { emptyDirVolume, podContainer, podCreateBody, podHostPorts, targetPortOf, type PodContainer } from './pod-container-config.js';
import { createPod } from '../client/pods.js';
import type { PlayPlan, PodPlan } from './play-plan.js';
import type { KubeObject } from './kube-yaml.js';

/** What play asks of the CLI for images: pull with its auth and progress, build as `berth build` does. */
export interface KubeImageOperations {
  pull(image: string): Promise<void>;
  /** Builds the image from a folder named like it (podman's --build), if there is one; false if not. */
  build(image: string): Promise<boolean>;
}

export interface PlayOptions {
  start: boolean;
  build: boolean;
  images: KubeImageOperations;
  /** Each pod as it is made, and warnings. */
  report(line: string): void;
}

export interface PlayedPod {
  name: string;
  containers: string[];
}

export async function playPlan(client: ApiClient, plan: PlayPlan, o: PlayOptions): Promise<PlayedPod[]> {
  for (const w of plan.warnings) o.report(`WARN: ${w}`);
  const pods = plan.pods.map((pod) => ({ pod, containers: podContainers(plan, pod) }));
  await ensureImages(client, pods.flatMap((p) => [...p.containers.init, ...p.containers.app]), o);
  await ensureNetwork(client);
  for (const c of plan.claims) await ensureVolume(client, c.name, { [KUBE_OBJECT_LABEL]: c.object });
  const played: PlayedPod[] = [];
  for (const { pod, containers } of pods) {
    for (const v of (pod.spec.volumes ?? []) as KubeObject[]) {
      if (v.persistentVolumeClaim) await ensureVolume(client, (v.persistentVolumeClaim as KubeObject).claimName as string, { [KUBE_OBJECT_LABEL]: pod.object });
      if (v.emptyDir && (v.emptyDir as KubeObject).medium !== 'Memory') await ensureVolume(client, emptyDirVolume(pod.name, v.name as string), { [KUBE_OBJECT_LABEL]: pod.object, [KUBE_POD_LABEL]: pod.name });
    }
    await createPod(client, podCreateBody(pod, publishedPorts(plan, pod), podAliases(plan, pod)));
    played.push(await playPod(client, pod, containers, o.start));
  }
  return played;
}

/** The pod's containers: its init containers, then its app containers. */
function podContainers(plan: PlayPlan, pod: PodPlan): { init: PodContainer[]; app: PodContainer[] } {
  const init = ((pod.spec.initContainers ?? []) as KubeObject[]).map((c, i) => podContainer(plan, pod, c, i, { init: true }));
  const app = ((pod.spec.containers ?? []) as KubeObject[]).map((c, i) => podContainer(plan, pod, c, i, { init: false }));
  return { init, app };
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

function podAliases(plan: PlayPlan, pod: PodPlan): string[] {
  const names = [pod.name, ...plan.services.filter((s) => selects(s.selector, pod.labels)).map((s) => s.name)];
  if (typeof pod.spec.hostname === 'string') names.push(pod.spec.hostname);
  return names;
}

/** The pod's hostPorts, and the ports of the Services selecting it (only the first such pod takes a host port). */
function publishedPorts(plan: PlayPlan, pod: PodPlan): Record<string, PortBinding[]> {
  const out = podHostPorts(pod);
  for (const s of plan.services) {
    const first = plan.pods.find((p) => selects(s.selector, p.labels));
    if (first !== pod) continue;
    for (const p of s.ports) {
      const target = targetPortOf(pod, p.targetPort);
      if (target === undefined) throw new InvalidArgumentError(`Service ${s.name}: targetPort ${JSON.stringify(p.targetPort)} names no port of pod ${pod.name}`);
      (out[`${target}/${p.protocol}`] ??= []).push({ HostIp: '', HostPort: String(p.hostPort) });
    }
  }
  return out;
}

async function ensureImages(client: ApiClient, containers: readonly PodContainer[], o: PlayOptions): Promise<void> {
  const seen = new Set<string>();
  for (const c of containers) {
    if (seen.has(c.image)) continue;
    seen.add(c.image);
    if (o.build && (await o.images.build(c.image))) continue;
    const present = (await ifFound(inspectImage(client, c.image))) !== undefined;
    if (c.pullPolicy === 'Always' || (!present && c.pullPolicy === 'IfNotPresent')) await o.images.pull(c.image);
    else if (!present) throw new InvalidArgumentError(`image ${c.image} is not present and its imagePullPolicy is Never`);
  }
}

async function ensureNetwork(client: ApiClient): Promise<void> {
  if (!(await ifFound(inspectNetwork(client, KUBE_NETWORK)))) await createNetwork(client, {
    Name: KUBE_NETWORK, Driver: 'bridge', IPAM: { Driver: 'default', Config: [], Options: {} }, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false, Options: {},
    Labels: { [KUBE_NETWORK_LABEL]: 'true' },
  });
}

async function ensureVolume(client: ApiClient, name: string, labels: Record<string, string>): Promise<void> {
  if (!(await ifFound(inspectVolume(client, name)))) await createVolume(client, { Name: name, Driver: 'local', Labels: labels });
}

async function playPod(client: ApiClient, pod: PodPlan, containers: { init: PodContainer[]; app: PodContainer[] }, start: boolean): Promise<PlayedPod> {
  const names: string[] = [];
  const make = async (c: PodContainer): Promise<string> => {
    const { Id } = await createContainer(client, c.body, { name: c.name, pod: pod.name });
    for (const f of c.files) {
      await client.call('PUT', `/containers/${encodeURIComponent(Id)}/archive`, {
        query: { path: '/' }, body: singleFileTar(f.path.replace(/^\/+/, ''), f.content, f.mode, 0, 0), headers: { 'Content-Type': 'application/x-tar' },
      });
    }
    names.push(c.name);
    return Id;
  };
  for (const c of containers.init) {
    const id = await make(c);
    if (!start) continue;
    // Kubernetes runs init containers one at a time, each to success, before the app containers.
    const wait = await beginWait(client, id, 'next-exit');
    await startContainer(client, id);
    const r = await wait.result;
    if (r.StatusCode !== 0) throw new InvalidArgumentError(`pod ${pod.name}: init container ${c.name} exited with code ${r.StatusCode}`);
  }
  for (const c of containers.app) {
    const id = await make(c);
    if (start) await startContainer(client, id);
  }
  return { name: pod.name, containers: names };
}
