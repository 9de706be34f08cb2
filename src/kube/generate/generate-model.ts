// What `kube generate` knows of a container, whichever source it came from (a compose service or
// an inspected container): the one shape the Kubernetes writer (kube-objects.ts) reads.
export interface GenPort {
  target: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostPort?: number;
  hostIp?: string;
}

export type GenMount =
  | { kind: 'claim'; claim: string; target: string; readOnly: boolean; subPath?: string }
  | { kind: 'hostPath'; path: string; target: string; readOnly: boolean }
  | { kind: 'emptyDir'; target: string; memory: boolean; sizeBytes?: number }
  | { kind: 'configMap' | 'secret'; object: string; key: string; target: string; mode?: number };

export interface GenHealth {
  /** Docker's Test form: ['CMD', …] or ['CMD-SHELL', cmd]. */
  test: string[];
  intervalNs?: number;
  timeoutNs?: number;
  retries?: number;
  startPeriodNs?: number;
}

export interface GenContainer {
  name: string;
  image: string;
  entrypoint?: string[];
  cmd?: string[];
  env: Record<string, string>;
  workingDir?: string;
  tty?: boolean;
  stdin?: boolean;
  ports: GenPort[];
  mounts: GenMount[];
  health?: GenHealth;
  memoryLimit?: number;
  memoryRequest?: number;
  cpuLimit?: number;
  cpuRequest?: number;
  capAdd?: string[];
  capDrop?: string[];
  user?: string;
  readOnlyRootfs?: boolean;
  privileged?: boolean;
  noNewPrivileges?: boolean;
}

export interface GenPod {
  name: string;
  containers: GenContainer[];
  /** Docker's restart policy name: no, always, unless-stopped, on-failure. */
  restart?: string;
  hostname?: string;
  stopGraceSeconds?: number;
  sysctls?: Record<string, string>;
  /** Labels of the source, kept as annotations (Kubernetes labels allow far fewer values). */
  annotations: Record<string, string>;
  replicas: number;
}

/** The ConfigMaps and Secrets (compose configs/secrets) the pods mount. */
export interface GenData {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  data: Record<string, string>;
}

/** A DNS-1123 name from any name: lowercase, [a-z0-9-], at most 63 characters. */
export function dnsName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return n === '' ? 'x' : n;
}
