// Kubernetes objects as one YAML stream, `---` between documents, as kubectl and podman write it.
import { stringify } from 'yaml';
import type { KubeObject } from './kube-yaml.js';

export function kubeYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
