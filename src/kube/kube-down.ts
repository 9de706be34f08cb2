// `kube down FILE`: removes what `kube play FILE` made, found by the object label each container
// and volume carries (`Deployment/web`…), and the kube network once nothing is left on it.
import type { ApiClient } from '../client/api-client.js';
import { listContainers, removeContainer } from '../client/containers.js';
import { inspectNetwork, removeNetwork } from '../client/networks.js';
import { listVolumes, removeVolume } from '../client/volumes.js';
import { ifFound } from './if-found.js';
import { listPods, removePod } from '../client/pods.js';
import { KUBE_NETWORK, KUBE_NETWORK_LABEL, KUBE_OBJECT_LABEL, objectKey } from './kube-labels.js';
import type { KubeDocument } from './kube-yaml.js';

export interface DownResult {
  pods: string[];
  containers: string[];
  volumes: string[];
}

export async function kubeDown(client: ApiClient, docs: readonly KubeDocument[]): Promise<DownResult> {
  const result: DownResult = { pods: [], containers: [], volumes: [] };
  const filtersOf = (doc: KubeDocument) => ({ label: [`${KUBE_OBJECT_LABEL}=${objectKey(doc.kind, doc.name)}`] });
  // Every container first: a claim's volume cannot go while a pod of a later document uses it.
  for (const doc of docs) {
    // A pod goes whole (infra container, members, record); a container outside any pod alone.
    for (const p of await listPods(client, filtersOf(doc))) {
      await ifFound(removePod(client, p.Name, { force: true }));
      result.pods.push(p.Name);
    }
    for (const c of await listContainers(client, { all: true, filters: filtersOf(doc) })) {
      await ifFound(removeContainer(client, c.Id, { force: true }));
      result.containers.push((c.Names?.[0] ?? c.Id).replace(/^\//, ''));
    }
  }
  for (const doc of docs) {
    for (const v of await listVolumes(client, filtersOf(doc))) {
      await ifFound(removeVolume(client, v.Name, true));
      result.volumes.push(v.Name);
    }
  }
  await removeNetworkIfUnused(client);
  return result;
}

async function removeNetworkIfUnused(client: ApiClient): Promise<void> {
  const net = await ifFound(inspectNetwork(client, KUBE_NETWORK));
  if (!net || net.Labels?.[KUBE_NETWORK_LABEL] !== 'true') return;
  if (Object.keys((net as { Containers?: Record<string, unknown> }).Containers ?? {}).length > 0) return;
  const users = await listContainers(client, { all: true, filters: { network: [KUBE_NETWORK] } });
  if (users.length === 0) await ifFound(removeNetwork(client, KUBE_NETWORK));
}

