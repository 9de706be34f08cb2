// GenPods → Kubernetes objects: Pod or Deployment, a Service per pod (-s), a PersistentVolumeClaim
// per named volume, and the ConfigMaps/Secrets. Images by their full reference.
import { formatReference, parseDockerRef, withDefaultTag } from '../../oci/reference.js';
import { formatBytes, formatCpus } from '../kube-quantity.js';
import type { KubeObject } from '../kube-yaml.js';
import { dnsName, type GenContainer, type GenData, type GenHealth, type GenPod } from './generate-model.js';

export interface GenerateOptions {
  type: 'pod' | 'deployment';
  service: boolean;
  /** Headless Services for pods without ports, so their names resolve as compose's service names do. */
  headlessServices?: boolean;
}

const NS = 1e9;

export function kubeObjects(pods: readonly GenPod[], data: readonly GenData[], o: GenerateOptions): KubeObject[] {
  const out: KubeObject[] = [];
  const claims = new Set<string>();
  for (const p of pods) for (const c of p.containers) for (const m of c.mounts) if (m.kind === 'claim') claims.add(m.claim);
  for (const claim of claims) out.push(claimObject(claim));
  for (const d of data) {
    out.push(d.kind === 'ConfigMap' ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: d.name }, data: d.data } : { apiVersion: 'v1', kind: 'Secret', metadata: { name: d.name }, type: 'Opaque', stringData: d.data });
  }
  for (const p of pods) {
    const labels = { app: p.name };
    const metadata = { name: p.name, labels, ...(Object.keys(p.annotations).length ? { annotations: p.annotations } : {}) };
    if (o.type === 'deployment') {
      out.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: p.name, labels },
        // A Deployment's pods must restart Always; compose's restart policy has no say here.
        spec: { replicas: p.replicas, selector: { matchLabels: labels }, template: { metadata: { labels, ...(metadata.annotations ? { annotations: metadata.annotations } : {}) }, spec: podSpec(p, 'Always') } },
      });
    } else out.push({ apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec(p, restartPolicy(p.restart)) });
    if (o.service) {
      const ports = p.containers.flatMap((c) => c.ports);
      if (ports.length) {
        out.push({
          apiVersion: 'v1', kind: 'Service', metadata: { name: p.name, labels },
          spec: { selector: labels, type: ports.some((x) => x.hostPort !== undefined) ? 'NodePort' : 'ClusterIP', ports: uniquePorts(ports).map((x) => ({ name: `${x.target}-${x.protocol}`, port: x.target, targetPort: x.target, protocol: x.protocol.toUpperCase(), ...(x.hostPort !== undefined ? { nodePort: x.hostPort } : {}) })) },
        });
      } else if (o.headlessServices) {
        out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: p.name, labels }, spec: { selector: labels, clusterIP: 'None' } });
      }
    }
  }
  return out;
}

/** A claim for a named volume: a volume has no size, so the request is Kubernetes' usual small one. */
export function claimObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
}

function uniquePorts<T extends { target: number; protocol: string }>(ports: readonly T[]): T[] {
  const seen = new Set<string>();
  return ports.filter((p) => !seen.has(`${p.target}/${p.protocol}`) && (seen.add(`${p.target}/${p.protocol}`), true));
}

function restartPolicy(r: string | undefined): string {
  if (r === 'always' || r === 'unless-stopped') return 'Always';
  if (r?.startsWith('on-failure')) return 'OnFailure';
  return 'Never';
}

export function fullImage(image: string): string {
  try {
    return formatReference(withDefaultTag(parseDockerRef(image)));
  } catch {
    return image;
  }
}

function podSpec(p: GenPod, restart: string): KubeObject {
  const volumes: KubeObject[] = [];
  const volumeFor = (key: string, source: KubeObject): string => {
    const existing = volumes.find((v) => v.__key === key);
    if (existing) return existing.name as string;
    const name = dnsName(`${volumes.length}-${key}`).replace(/^\d+-/, (m) => `v${m}`);
    volumes.push({ __key: key, name, ...source });
    return name;
  };
  const containers = p.containers.map((c) => container(c, volumeFor));
  const spec: KubeObject = { restartPolicy: restart, containers };
  if (volumes.length) spec.volumes = volumes.map(({ __key: _k, ...v }) => v);
  if (p.hostname) spec.hostname = p.hostname;
  if (p.stopGraceSeconds !== undefined) spec.terminationGracePeriodSeconds = p.stopGraceSeconds;
  if (p.sysctls && Object.keys(p.sysctls).length) spec.securityContext = { sysctls: Object.entries(p.sysctls).map(([name, value]) => ({ name, value })) };
  return spec;
}

function container(c: GenContainer, volumeFor: (key: string, source: KubeObject) => string): KubeObject {
  const k: KubeObject = { name: c.name, image: fullImage(c.image) };
  if (c.entrypoint) k.command = c.entrypoint;
  if (c.cmd) k.args = c.cmd;
  const env = Object.entries(c.env);
  if (env.length) k.env = env.map(([name, value]) => ({ name, value }));
  if (c.workingDir) k.workingDir = c.workingDir;
  if (c.tty) k.tty = true;
  if (c.stdin) k.stdin = true;
  if (c.ports.length) k.ports = uniquePorts(c.ports).map((p) => ({ containerPort: p.target, protocol: p.protocol.toUpperCase(), ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}), ...(p.hostIp ? { hostIP: p.hostIp } : {}) }));
  const mounts: KubeObject[] = [];
  for (const m of c.mounts) {
    if (m.kind === 'claim') mounts.push({ name: volumeFor(`claim-${m.claim}`, { persistentVolumeClaim: { claimName: m.claim } }), mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}), ...(m.subPath ? { subPath: m.subPath } : {}) });
    else if (m.kind === 'hostPath') mounts.push({ name: volumeFor(`host-${m.path}`, { hostPath: { path: m.path } }), mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
    else if (m.kind === 'emptyDir') mounts.push({ name: volumeFor(`empty-${c.name}-${m.target}`, { emptyDir: m.memory ? { medium: 'Memory', ...(m.sizeBytes ? { sizeLimit: formatBytes(m.sizeBytes) } : {}) } : {} }), mountPath: m.target });
    else {
      const src = m.kind === 'configMap' ? { configMap: { name: m.object, items: [{ key: m.key, path: m.key, ...(m.mode !== undefined ? { mode: m.mode } : {}) }] } } : { secret: { secretName: m.object, items: [{ key: m.key, path: m.key, ...(m.mode !== undefined ? { mode: m.mode } : {}) }] } };
      mounts.push({ name: volumeFor(`${m.kind}-${m.object}-${m.key}`, src), mountPath: m.target, subPath: m.key, readOnly: true });
    }
  }
  if (mounts.length) k.volumeMounts = mounts;
  const limits: KubeObject = {};
  const requests: KubeObject = {};
  if (c.memoryLimit) limits.memory = formatBytes(c.memoryLimit);
  if (c.cpuLimit) limits.cpu = formatCpus(c.cpuLimit);
  if (c.memoryRequest) requests.memory = formatBytes(c.memoryRequest);
  if (c.cpuRequest) requests.cpu = formatCpus(c.cpuRequest);
  if (Object.keys(limits).length || Object.keys(requests).length) k.resources = { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
  if (c.health) k.livenessProbe = probe(c.health);
  const sc = securityContext(c);
  if (sc) k.securityContext = sc;
  return k;
}

function probe(h: GenHealth): KubeObject {
  const [kind, ...rest] = h.test;
  const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
  const secs = (ns: number | undefined): number | undefined => (ns ? Math.max(1, Math.ceil(ns / NS)) : undefined);
  const p: KubeObject = { exec: { command } };
  const period = secs(h.intervalNs);
  const timeout = secs(h.timeoutNs);
  const delay = secs(h.startPeriodNs);
  if (period) p.periodSeconds = period;
  if (timeout) p.timeoutSeconds = timeout;
  if (h.retries) p.failureThreshold = h.retries;
  if (delay) p.initialDelaySeconds = delay;
  return p;
}

function securityContext(c: GenContainer): KubeObject | undefined {
  const sc: KubeObject = {};
  if (c.capAdd?.length || c.capDrop?.length) sc.capabilities = { ...(c.capAdd?.length ? { add: c.capAdd.map(capName) } : {}), ...(c.capDrop?.length ? { drop: c.capDrop.map(capName) } : {}) };
  if (c.privileged) sc.privileged = true;
  if (c.readOnlyRootfs) sc.readOnlyRootFilesystem = true;
  if (c.noNewPrivileges) sc.allowPrivilegeEscalation = false;
  const m = c.user ? /^(\d+)(?::(\d+))?$/.exec(c.user) : null;
  if (m) {
    sc.runAsUser = Number(m[1]);
    if (m[2] !== undefined) sc.runAsGroup = Number(m[2]);
  }
  return Object.keys(sc).length ? sc : undefined;
}

/** Kubernetes writes capabilities without docker's CAP_ prefix. */
function capName(c: string): string {
  return c.toUpperCase().replace(/^CAP_/, '');
}
