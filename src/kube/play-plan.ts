// Kubernetes documents → what `kube play` will make, checked whole before anything is made: a bad
// field, an unsupported kind or a reference to a ConfigMap the file lacks fails here, naming the
// document and field, so a failed play creates nothing. Pure: no client.
import { checkFields } from './kube-fields.js';
import { objectKey } from './kube-labels.js';
import type { KubeDocument, KubeObject } from './kube-yaml.js';

export interface PodPlan {
  /** `Deployment/web`: the document it came from (the label kube down looks for). */
  readonly object: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly spec: KubeObject;
  readonly doc: KubeDocument;
  /** Where the pod spec sits in its document, for error paths. */
  readonly specPath: readonly string[];
}

export interface ServicePortPlan {
  readonly hostPort: number;
  /** A number, or a container port's name. */
  readonly targetPort: number | string;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
}

export interface ServicePlan {
  readonly object: string;
  readonly name: string;
  readonly selector: Record<string, string>;
  readonly ports: readonly ServicePortPlan[];
}

export interface PlayPlan {
  readonly configMaps: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
  readonly secrets: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
  readonly claims: readonly { name: string; object: string }[];
  readonly services: readonly ServicePlan[];
  readonly pods: readonly PodPlan[];
  /** Every document's object key, in file order (what `kube down` looks for). */
  readonly objects: readonly string[];
  readonly warnings: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function planPlay(docs: readonly KubeDocument[]): PlayPlan {
  const warnings: string[] = [];
  const configMaps = new Map<string, Map<string, Buffer>>();
  const secrets = new Map<string, Map<string, Buffer>>();
  const claims: { name: string; object: string }[] = [];
  const services: ServicePlan[] = [];
  const pods: PodPlan[] = [];
  const objects: string[] = [];
  for (const doc of docs) {
    for (const f of checkFields(doc)) warnings.push(`document ${doc.index} (${doc.kind} ${doc.name}): ${f}: ignored (no meaning on one machine)`);
    if (!doc.name) doc.fail(['metadata', 'name'], 'required field missing');
    if (!DNS_SUBDOMAIN.test(doc.name) || doc.name.length > 253) doc.fail(['metadata', 'name'], `${JSON.stringify(doc.name)} is not a valid DNS-1123 name`);
    const key = objectKey(doc.kind, doc.name);
    if (objects.includes(key)) doc.fail(['metadata', 'name'], `a ${doc.kind} named ${doc.name} appears twice`);
    objects.push(key);
    const b = doc.body;
    const spec = (b.spec ?? {}) as KubeObject;
    switch (doc.kind) {
      case 'ConfigMap':
        configMaps.set(doc.name, dataOf(doc, b, false));
        break;
      case 'Secret':
        secrets.set(doc.name, dataOf(doc, b, true));
        break;
      case 'PersistentVolumeClaim':
        claims.push({ name: doc.name, object: key });
        break;
      case 'Service':
        services.push(servicePlan(doc, spec, key));
        break;
      case 'Pod':
        pods.push(podPlan(doc, key, doc.name, labelsOf(b.metadata), spec, ['spec']));
        break;
      case 'Deployment': {
        const replicas = spec.replicas ?? 1;
        if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) doc.fail(['spec', 'replicas'], 'must be a whole number, 0 or more');
        const t = template(doc, spec);
        checkSelector(doc, spec, t.labels);
        for (let i = 0; i < replicas; i++) pods.push(podPlan(doc, key, `${doc.name}-pod-${i}`, t.labels, t.spec, ['spec', 'template', 'spec']));
        if (replicas === 0) podPlan(doc, key, `${doc.name}-pod-0`, t.labels, t.spec, ['spec', 'template', 'spec']);
        break;
      }
      case 'DaemonSet': {
        const t = template(doc, spec);
        checkSelector(doc, spec, t.labels);
        pods.push(podPlan(doc, key, `${doc.name}-pod`, t.labels, t.spec, ['spec', 'template', 'spec']));
        break;
      }
      case 'Job': {
        const t = template(doc, spec);
        const rp = t.spec.restartPolicy;
        if (rp !== 'Never' && rp !== 'OnFailure') doc.fail(['spec', 'template', 'spec', 'restartPolicy'], 'a Job\'s pods must have restartPolicy Never or OnFailure');
        for (const k of ['completions', 'parallelism'] as const) if (spec[k] !== undefined && spec[k] !== 1) doc.fail(['spec', k], 'only 1 is supported (one machine runs one pod of a Job)');
        pods.push(podPlan(doc, key, `${doc.name}-job`, t.labels, t.spec, ['spec', 'template', 'spec']));
        break;
      }
    }
  }
  const podNames = new Set<string>();
  for (const p of pods) {
    if (podNames.has(p.name)) p.doc.fail(['metadata', 'name'], `pod name ${p.name} is used twice in this file`);
    podNames.add(p.name);
    checkReferences(p, configMaps, secrets);
  }
  return { configMaps, secrets, claims, services, pods, objects, warnings };
}

function labelsOf(metadata: unknown): Record<string, string> {
  const l = metadata && typeof metadata === 'object' ? (metadata as KubeObject).labels : undefined;
  if (!l || typeof l !== 'object') return {};
  return Object.fromEntries(Object.entries(l as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function dataOf(doc: KubeDocument, b: KubeObject, secret: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const add = (field: string, decode: (v: string) => Buffer): void => {
    const d = b[field];
    if (d === undefined || d === null) return;
    if (typeof d !== 'object' || Array.isArray(d)) doc.fail([field], 'must be a mapping of keys to strings');
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      if (!/^[-._a-zA-Z0-9]+$/.test(k)) doc.fail([field, k], 'a key may hold only letters, digits, "-", "_" and "."');
      if (typeof v !== 'string') doc.fail([field, k], 'must be a string');
      out.set(k, decode(v as string));
    }
  };
  const base64 = (field: string) => (v: string): Buffer => {
    if (!/^[A-Za-z0-9+/\s]*={0,2}$/.test(v)) doc.fail([field], 'values must be base64');
    return Buffer.from(v, 'base64');
  };
  if (secret) {
    add('data', base64('data'));
    add('stringData', (v) => Buffer.from(v));
  } else {
    add('data', (v) => Buffer.from(v));
    add('binaryData', base64('binaryData'));
  }
  return out;
}

function template(doc: KubeDocument, spec: KubeObject): { labels: Record<string, string>; spec: KubeObject } {
  const t = spec.template as KubeObject | undefined;
  if (!t) doc.fail(['spec', 'template'], 'required field missing');
  if (!t.spec) doc.fail(['spec', 'template', 'spec'], 'required field missing');
  return { labels: labelsOf(t.metadata), spec: t.spec as KubeObject };
}

function checkSelector(doc: KubeDocument, spec: KubeObject, labels: Record<string, string>): void {
  const m = ((spec.selector ?? {}) as KubeObject).matchLabels as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(m ?? {})) {
    if (labels[k] !== String(v)) doc.fail(['spec', 'selector', 'matchLabels', k], 'does not match the template\'s labels');
  }
}

function servicePlan(doc: KubeDocument, spec: KubeObject, object: string): ServicePlan {
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type as string)) doc.fail(['spec', 'type'], `unsupported Service type ${JSON.stringify(type)}`);
  const headless = spec.clusterIP === 'None';
  const ports = ((spec.ports ?? []) as KubeObject[]).map((p, i): ServicePortPlan => {
    const port = p.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) doc.fail(['spec', 'ports', i, 'port'], 'must be a port number');
    const node = p.nodePort;
    if (node !== undefined && (typeof node !== 'number' || !Number.isInteger(node) || node < 1 || node > 65535)) doc.fail(['spec', 'ports', i, 'nodePort'], 'must be a port number');
    const target = p.targetPort ?? port;
    if (typeof target !== 'number' && typeof target !== 'string') doc.fail(['spec', 'ports', i, 'targetPort'], 'must be a port number or name');
    return { hostPort: (node as number | undefined) ?? port, targetPort: target as number | string, protocol: protocolOf(doc, p.protocol, ['spec', 'ports', i, 'protocol']) };
  });
  const selector = spec.selector && typeof spec.selector === 'object' ? Object.fromEntries(Object.entries(spec.selector as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : {};
  return { object, name: doc.name, selector, ports: headless ? [] : ports };
}

export function protocolOf(doc: KubeDocument, p: unknown, path: (string | number)[]): 'tcp' | 'udp' | 'sctp' {
  const v = (p ?? 'TCP') as string;
  if (v !== 'TCP' && v !== 'UDP' && v !== 'SCTP') doc.fail(path, `unsupported protocol ${JSON.stringify(v)}`);
  return v.toLowerCase() as 'tcp' | 'udp' | 'sctp';
}

function podPlan(doc: KubeDocument, object: string, name: string, labels: Record<string, string>, spec: KubeObject, specPath: string[]): PodPlan {
  if (!DNS_SUBDOMAIN.test(name)) doc.fail([...specPath.slice(0, -1), 'metadata', 'name'], `pod name ${JSON.stringify(name)} is not a valid DNS-1123 name`);
  const at = (...p: (string | number)[]) => [...specPath, ...p];
  const containers = spec.containers as KubeObject[] | undefined;
  if (!containers || containers.length === 0) doc.fail(at('containers'), 'a pod needs at least one container');
  const rp = spec.restartPolicy;
  if (rp !== undefined && rp !== 'Always' && rp !== 'OnFailure' && rp !== 'Never') doc.fail(at('restartPolicy'), `must be Always, OnFailure or Never, not ${JSON.stringify(rp)}`);
  const volumes = new Set<string>();
  ((spec.volumes ?? []) as KubeObject[]).forEach((v, i) => {
    if (typeof v.name !== 'string' || !DNS_LABEL.test(v.name)) doc.fail(at('volumes', i, 'name'), 'must be a DNS-1123 label');
    const sources = ['persistentVolumeClaim', 'emptyDir', 'hostPath', 'configMap', 'secret'].filter((s) => v[s] !== undefined);
    if (sources.length !== 1) doc.fail(at('volumes', i), 'needs exactly one source (persistentVolumeClaim, emptyDir, hostPath, configMap or secret)');
    if (v.hostPath && typeof (v.hostPath as KubeObject).path !== 'string') doc.fail(at('volumes', i, 'hostPath', 'path'), 'required field missing');
    if (v.persistentVolumeClaim && typeof (v.persistentVolumeClaim as KubeObject).claimName !== 'string') doc.fail(at('volumes', i, 'persistentVolumeClaim', 'claimName'), 'required field missing');
    volumes.add(v.name as string);
  });
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    ((spec[list] ?? []) as KubeObject[]).forEach((c, i) => {
      if (typeof c.name !== 'string' || !DNS_LABEL.test(c.name)) doc.fail(at(list, i, 'name'), 'must be a DNS-1123 label');
      if (names.has(c.name as string)) doc.fail(at(list, i, 'name'), `container name ${c.name} is used twice in the pod`);
      names.add(c.name as string);
      if (typeof c.image !== 'string' || c.image === '') doc.fail(at(list, i, 'image'), 'required field missing');
      for (const f of ['command', 'args'] as const) if (c[f] !== undefined && (!Array.isArray(c[f]) || !(c[f] as unknown[]).every((s) => typeof s === 'string'))) doc.fail(at(list, i, f), 'must be a list of strings');
      ((c.volumeMounts ?? []) as KubeObject[]).forEach((m, j) => {
        if (!volumes.has(m.name as string)) doc.fail(at(list, i, 'volumeMounts', j, 'name'), `no volume named ${JSON.stringify(m.name)} in the pod`);
        if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) doc.fail(at(list, i, 'volumeMounts', j, 'mountPath'), 'must be an absolute path');
      });
      ((c.ports ?? []) as KubeObject[]).forEach((p, j) => {
        if (typeof p.containerPort !== 'number' || !Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) doc.fail(at(list, i, 'ports', j, 'containerPort'), 'must be a port number');
        protocolOf(doc, p.protocol, at(list, i, 'ports', j, 'protocol'));
      });
    });
  }
  return { object, name, labels, spec, doc, specPath };
}

function checkReferences(p: PodPlan, configMaps: ReadonlyMap<string, unknown>, secrets: ReadonlyMap<string, unknown>): void {
  const at = (...x: (string | number)[]) => [...p.specPath, ...x];
  const need = (kind: 'ConfigMap' | 'Secret', name: unknown, optional: unknown, path: (string | number)[]): void => {
    const known = kind === 'ConfigMap' ? configMaps : secrets;
    if (!known.has(name as string) && optional !== true) p.doc.fail(path, `no ${kind} named ${JSON.stringify(name)} in this file`);
  };
  ((p.spec.volumes ?? []) as KubeObject[]).forEach((v, i) => {
    const cm = v.configMap as KubeObject | undefined;
    if (cm) need('ConfigMap', cm.name, cm.optional, at('volumes', i, 'configMap', 'name'));
    const s = v.secret as KubeObject | undefined;
    if (s) need('Secret', s.secretName, s.optional, at('volumes', i, 'secret', 'secretName'));
  });
  for (const list of ['initContainers', 'containers'] as const) {
    ((p.spec[list] ?? []) as KubeObject[]).forEach((c, i) => {
      ((c.env ?? []) as KubeObject[]).forEach((e, j) => {
        const vf = e.valueFrom as KubeObject | undefined;
        const cm = vf?.configMapKeyRef as KubeObject | undefined;
        if (cm) need('ConfigMap', cm.name, cm.optional, at(list, i, 'env', j, 'valueFrom', 'configMapKeyRef', 'name'));
        const s = vf?.secretKeyRef as KubeObject | undefined;
        if (s) need('Secret', s.name, s.optional, at(list, i, 'env', j, 'valueFrom', 'secretKeyRef', 'name'));
        const fr = vf?.fieldRef as KubeObject | undefined;
        if (fr && !['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.podIP', 'status.hostIP'].includes(fr.fieldPath as string)) p.doc.fail(at(list, i, 'env', j, 'valueFrom', 'fieldRef', 'fieldPath'), `unsupported fieldPath ${JSON.stringify(fr.fieldPath)}`);
      });
      ((c.envFrom ?? []) as KubeObject[]).forEach((e, j) => {
        const cm = e.configMapRef as KubeObject | undefined;
        if (cm) need('ConfigMap', cm.name, cm.optional, at(list, i, 'envFrom', j, 'configMapRef', 'name'));
        const s = e.secretRef as KubeObject | undefined;
        if (s) need('Secret', s.name, s.optional, at(list, i, 'envFrom', j, 'secretRef', 'name'));
      });
    });
  }
}
