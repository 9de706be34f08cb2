// The labels `kube play` puts on what it makes, so `kube down` removes exactly that and nothing
// else, and the names it gives pods and containers.
export const KUBE_OBJECT_LABEL = 'io.berth.kube.object';
export const KUBE_POD_LABEL = 'io.berth.kube.pod';
export const KUBE_CONTAINER_LABEL = 'io.berth.kube.container';
export const KUBE_INIT_LABEL = 'io.berth.kube.init-container';
export const KUBE_NETWORK_LABEL = 'io.berth.kube.network';
/** The network every played pod joins, as podman's default kube network. */
export const KUBE_NETWORK = 'berth-kube';

/** `Deployment/web`: the document a container or volume came from. */
export function objectKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export function containerName(pod: string, container: string): string {
  return `${pod}-${container}`;
}
