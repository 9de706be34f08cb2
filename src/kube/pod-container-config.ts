// A played pod → berth's pod create body (network, hostname, published ports, DNS names), and
// each of its containers → the Engine API's create body: image, command/args, env (with
// ConfigMap/Secret references resolved), mounts, probes as health checks, resources,
// securityContext and restartPolicy. ConfigMap and Secret volumes become files copied in after
// create (`files`), since the daemon may be on another machine. Pure: no client.
import type { PodCreateBody } from '../client/pods.js';
import type { ContainerCreateRequest, HealthConfig, HostConfig, MountSpec, PortBinding } from '../client/types.js';
import { containerName, KUBE_CONTAINER_LABEL, KUBE_INIT_LABEL, KUBE_NETWORK, KUBE_OBJECT_LABEL, KUBE_POD_LABEL } from './kube-labels.js';
import { parseQuantity } from './kube-quantity.js';
import { protocolOf, type PlayPlan, type PodPlan } from './play-plan.js';
import type { KubeObject } from './kube-yaml.js';

export interface ContainerFile {
  /** Absolute path in the container. */
  path: string;
  content: Buffer;
  mode: number;
}

export interface PodContainer {
  name: string;
  image: string;
  pullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  body: ContainerCreateRequest;
  files: ContainerFile[];
}

export interface PodRole {
  init: boolean;
}

const NS = 1e9;

export function emptyDirVolume(pod: string, volume: string): string {
  return `${pod}-${volume}`;
}

export function podContainer(plan: PlayPlan, pod: PodPlan, c: KubeObject, index: number, role: PodRole): PodContainer {
  const list = role.init ? 'initContainers' : 'containers';
  const at = (...p: (string | number)[]) => [...pod.specPath, list, index, ...p];
  const name = containerName(pod.name, c.name as string);
  const spec = pod.spec;
  const config: ContainerCreateRequest = {
    Image: c.image as string,
    Labels: { ...pod.labels, [KUBE_OBJECT_LABEL]: pod.object, [KUBE_POD_LABEL]: pod.name, [KUBE_CONTAINER_LABEL]: c.name as string, ...(role.init ? { [KUBE_INIT_LABEL]: 'true' } : {}) },
  };
  const env = envOf(plan, pod, c, at);
  config.Env = [...env].map(([k, v]) => `${k}=${v}`);
  // $(VAR) in command and args is Kubernetes' own expansion, from the container's env; $$( escapes it.
  const expand = (s: string): string => s.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string | undefined) => (n === undefined ? '$(' : env.get(n) ?? m));
  if (c.command) config.Entrypoint = (c.command as string[]).map(expand);
  if (c.args) config.Cmd = (c.args as string[]).map(expand);
  const user = userOf(pod, c);
  if (user) config.User = user;
  if (c.workingDir) config.WorkingDir = c.workingDir as string;
  if (c.tty) config.Tty = true;
  if (c.stdin) config.OpenStdin = true;
  if (typeof spec.terminationGracePeriodSeconds === 'number') config.StopTimeout = spec.terminationGracePeriodSeconds;
  const host: HostConfig = { RestartPolicy: role.init ? { Name: 'no' } : restartPolicyOf(pod) };
  const ports = (c.ports ?? []) as KubeObject[];
  if (ports.length) config.ExposedPorts = Object.fromEntries(ports.map((p) => [`${p.containerPort}/${(String(p.protocol ?? 'TCP')).toLowerCase()}`, {}]));
  // The pod's infra container holds network, hostname and published ports (docs/pods.md); the
  // container joins it through `?pod=` on create and so names no network of its own.
  if (spec.hostIPC === true) host.IpcMode = 'host';
  if (spec.hostPID === true) host.PidMode = 'host';
  const { mounts, files } = mountsOf(plan, pod, c);
  if (mounts.length) host.Mounts = mounts;
  Object.assign(host, resourcesOf(pod, c, at), securityOf(pod, c, at));
  const probe = (c.livenessProbe ?? c.readinessProbe ?? c.startupProbe) as KubeObject | undefined;
  if (probe && !role.init) {
    const which = c.livenessProbe ? 'livenessProbe' : c.readinessProbe ? 'readinessProbe' : 'startupProbe';
    config.Healthcheck = healthOf(pod, probe, at(which));
    // Kubernetes restarts a container whose liveness probe fails (as its restartPolicy allows).
    if (c.livenessProbe) host.HealthOnFailure = pod.spec.restartPolicy === 'Never' ? 'kill' : 'restart';
  }
  config.HostConfig = host;
  const pull = (c.imagePullPolicy ?? 'IfNotPresent') as string;
  if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) pod.doc.fail(at('imagePullPolicy'), `must be Always, IfNotPresent or Never`);
  return { name, image: c.image as string, pullPolicy: pull as PodContainer['pullPolicy'], body: config, files };
}

function restartPolicyOf(pod: PodPlan): { Name: string; MaximumRetryCount?: number } {
  const rp = (pod.spec.restartPolicy ?? 'Always') as string;
  if (rp === 'Never') return { Name: 'no' };
  if (rp === 'OnFailure') {
    const backoff = ((pod.doc.body.spec ?? {}) as KubeObject).backoffLimit;
    return pod.doc.kind === 'Job' ? { Name: 'on-failure', MaximumRetryCount: typeof backoff === 'number' ? backoff : 6 } : { Name: 'on-failure' };
  }
  return { Name: 'always' };
}

function envOf(plan: PlayPlan, pod: PodPlan, c: KubeObject, at: (...p: (string | number)[]) => (string | number)[]): Map<string, string> {
  const env = new Map<string, string>();
  ((c.envFrom ?? []) as KubeObject[]).forEach((e) => {
    const prefix = (e.prefix as string | undefined) ?? '';
    const cm = e.configMapRef as KubeObject | undefined;
    const s = e.secretRef as KubeObject | undefined;
    const data = cm ? plan.configMaps.get(cm.name as string) : s ? plan.secrets.get(s.name as string) : undefined;
    for (const [k, v] of data ?? []) env.set(prefix + k, v.toString('utf8'));
  });
  ((c.env ?? []) as KubeObject[]).forEach((e, j) => {
    if (typeof e.name !== 'string' || e.name === '') pod.doc.fail(at('env', j, 'name'), 'required field missing');
    const vf = e.valueFrom as KubeObject | undefined;
    if (!vf) return void env.set(e.name as string, e.value === undefined || e.value === null ? '' : String(e.value));
    const cm = vf.configMapKeyRef as KubeObject | undefined;
    const s = vf.secretKeyRef as KubeObject | undefined;
    const fr = vf.fieldRef as KubeObject | undefined;
    if (fr) {
      const v = fr.fieldPath === 'metadata.name' ? pod.name : fr.fieldPath === 'metadata.namespace' ? 'default' : '';
      return void env.set(e.name as string, v);
    }
    const ref = cm ?? s!;
    const data = cm ? plan.configMaps.get(cm.name as string) : plan.secrets.get(s!.name as string);
    const value = data?.get(ref.key as string);
    if (value === undefined) {
      if (ref.optional === true) return;
      pod.doc.fail(at('env', j, 'valueFrom', cm ? 'configMapKeyRef' : 'secretKeyRef', 'key'), `no key ${JSON.stringify(ref.key)} in ${cm ? 'ConfigMap' : 'Secret'} ${ref.name}`);
    }
    env.set(e.name as string, value.toString('utf8'));
  });
  return env;
}

function mountsOf(plan: PlayPlan, pod: PodPlan, c: KubeObject): { mounts: MountSpec[]; files: ContainerFile[] } {
  const volumes = new Map(((pod.spec.volumes ?? []) as KubeObject[]).map((v) => [v.name as string, v]));
  const mounts: MountSpec[] = [];
  const files: ContainerFile[] = [];
  for (const m of (c.volumeMounts ?? []) as KubeObject[]) {
    const v = volumes.get(m.name as string)!;
    const target = m.mountPath as string;
    const readOnly = m.readOnly === true;
    const subPath = typeof m.subPath === 'string' && m.subPath !== '' ? m.subPath : undefined;
    if (v.persistentVolumeClaim) {
      const pvc = v.persistentVolumeClaim as KubeObject;
      mounts.push({ Type: 'volume', Source: pvc.claimName as string, Target: target, ReadOnly: readOnly || pvc.readOnly === true, ...(subPath ? { VolumeOptions: { Subpath: subPath } } : {}) });
    } else if (v.emptyDir) {
      const ed = v.emptyDir as KubeObject;
      if (ed.medium === 'Memory') {
        const size = parseQuantity(ed.sizeLimit);
        mounts.push({ Type: 'tmpfs', Target: target, ...(size ? { TmpfsOptions: { SizeBytes: Math.round(size) } } : {}) });
      } else mounts.push({ Type: 'volume', Source: emptyDirVolume(pod.name, v.name as string), Target: target, ReadOnly: readOnly, ...(subPath ? { VolumeOptions: { Subpath: subPath } } : {}) });
    } else if (v.hostPath) {
      const hp = v.hostPath as KubeObject;
      const create = hp.type === 'DirectoryOrCreate' || hp.type === undefined || hp.type === '';
      mounts.push({ Type: 'bind', Source: hp.path as string, Target: target, ReadOnly: readOnly, ...(create ? { BindOptions: { CreateMountpoint: true } } : {}) });
    } else {
      const cm = v.configMap as KubeObject | undefined;
      const s = v.secret as KubeObject | undefined;
      const src = (cm ?? s)!;
      const data = cm ? plan.configMaps.get(cm.name as string) : plan.secrets.get(s!.secretName as string);
      const defaultMode = typeof src.defaultMode === 'number' ? src.defaultMode : 0o644;
      const items = src.items as KubeObject[] | undefined;
      const entries: [string, string, number][] = items
        ? items.map((it) => [it.key as string, it.path as string, typeof it.mode === 'number' ? it.mode : defaultMode])
        : [...(data?.keys() ?? [])].map((k) => [k, k, defaultMode]);
      for (const [key, path, mode] of entries) {
        const content = data?.get(key);
        if (content === undefined) continue;
        if (subPath && subPath !== path) continue;
        files.push({ path: subPath ? target : `${target.replace(/\/$/, '')}/${path}`, content, mode });
      }
    }
  }
  return { mounts, files };
}

function resourcesOf(pod: PodPlan, c: KubeObject, at: (...p: (string | number)[]) => (string | number)[]): Partial<HostConfig> {
  const r = (c.resources ?? {}) as KubeObject;
  const out: Partial<HostConfig> = {};
  const q = (section: 'limits' | 'requests', key: 'cpu' | 'memory'): number | undefined => {
    const v = ((r[section] ?? {}) as KubeObject)[key];
    if (v === undefined) return undefined;
    const n = parseQuantity(v);
    if (n === undefined || n < 0) pod.doc.fail(at('resources', section, key), `${JSON.stringify(v)} is not a quantity`);
    return n;
  };
  const memLimit = q('limits', 'memory');
  if (memLimit !== undefined) out.Memory = Math.round(memLimit);
  const memRequest = q('requests', 'memory');
  if (memRequest !== undefined) out.MemoryReservation = Math.round(memRequest);
  const cpuLimit = q('limits', 'cpu');
  if (cpuLimit !== undefined) out.NanoCpus = Math.round(cpuLimit * NS);
  const cpuRequest = q('requests', 'cpu');
  // Kubernetes turns a CPU request into cgroup shares the same way: 1 CPU = 1024.
  if (cpuRequest !== undefined) out.CpuShares = Math.max(2, Math.round(cpuRequest * 1024));
  return out;
}

function securityOf(pod: PodPlan, c: KubeObject, at: (...p: (string | number)[]) => (string | number)[]): Partial<HostConfig> {
  const podSc = (pod.spec.securityContext ?? {}) as KubeObject;
  const sc = { ...podSc, ...((c.securityContext ?? {}) as KubeObject) };
  const out: Partial<HostConfig> = {};
  if (sc.privileged === true) out.Privileged = true;
  if (sc.readOnlyRootFilesystem === true) out.ReadonlyRootfs = true;
  if (sc.allowPrivilegeEscalation === false) out.SecurityOpt = ['no-new-privileges'];
  const caps = sc.capabilities as KubeObject | undefined;
  if (caps?.add) out.CapAdd = caps.add as string[];
  if (caps?.drop) out.CapDrop = caps.drop as string[];
  if (sc.runAsNonRoot === true && sc.runAsUser === 0) pod.doc.fail(at('securityContext', 'runAsUser'), 'runAsNonRoot is set but runAsUser is 0');
  const sysctls = podSc.sysctls as KubeObject[] | undefined;
  if (sysctls) out.Sysctls = Object.fromEntries(sysctls.map((s) => [s.name as string, String(s.value)]));
  if (Array.isArray(podSc.supplementalGroups)) out.GroupAdd = (podSc.supplementalGroups as unknown[]).map(String);
  return out;
}

/** The user the securityContext asks for, applied to the create body (it is a Config field, not a HostConfig one). */
function userOf(pod: PodPlan, c: KubeObject): string | undefined {
  const sc = { ...((pod.spec.securityContext ?? {}) as KubeObject), ...((c.securityContext ?? {}) as KubeObject) };
  if (sc.runAsUser === undefined) return undefined;
  return sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`;
}

function healthOf(pod: PodPlan, p: KubeObject, at: (string | number)[]): HealthConfig {
  let test: string[];
  if (p.exec) test = ['CMD', ...(((p.exec as KubeObject).command ?? []) as string[])];
  else if (p.httpGet) {
    const h = p.httpGet as KubeObject;
    const url = `${String(h.scheme ?? 'HTTP').toLowerCase()}://${(h.host as string | undefined) ?? '127.0.0.1'}:${portOf(pod, h.port, [...at, 'httpGet', 'port'])}${(h.path as string | undefined) ?? '/'}`;
    test = ['CMD', 'wget', '-q', '-O', '/dev/null', url];
  } else if (p.tcpSocket) {
    const t = p.tcpSocket as KubeObject;
    test = ['CMD', 'nc', '-z', (t.host as string | undefined) ?? '127.0.0.1', String(portOf(pod, t.port, [...at, 'tcpSocket', 'port']))];
  } else pod.doc.fail(at, 'a probe needs exec, httpGet or tcpSocket');
  const sec = (v: unknown, d: number): number => (typeof v === 'number' ? v : d) * NS;
  return {
    Test: test,
    Interval: sec(p.periodSeconds, 10),
    Timeout: sec(p.timeoutSeconds, 1),
    Retries: typeof p.failureThreshold === 'number' ? p.failureThreshold : 3,
    ...(typeof p.initialDelaySeconds === 'number' ? { StartPeriod: p.initialDelaySeconds * NS } : {}),
  };
}

/** A probe's port: a number, or the name of one of the pod's container ports. */
function portOf(pod: PodPlan, port: unknown, at: (string | number)[]): number {
  if (typeof port === 'number') return port;
  const named = ((pod.spec.containers ?? []) as KubeObject[]).flatMap((c) => (c.ports ?? []) as KubeObject[]).find((p) => p.name === port);
  if (!named) pod.doc.fail(at, `no container port named ${JSON.stringify(port)}`);
  return named.containerPort as number;
}

/** The container ports a Service's targetPort names, resolved against the pod. */
export function targetPortOf(pod: PodPlan, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const named = ((pod.spec.containers ?? []) as KubeObject[]).flatMap((c) => (c.ports ?? []) as KubeObject[]).find((p) => p.name === target);
  return named?.containerPort as number | undefined;
}

/** The pod itself: on the kube network (or the host's), its hostname, ports and DNS names. */
export function podCreateBody(pod: PodPlan, publish: Record<string, PortBinding[]>, aliases: readonly string[]): PodCreateBody {
  // Kubernetes' pods share network and IPC; hostIPC puts the containers in the host's instead.
  const share = pod.spec.hostIPC === true ? ['net'] : ['net', 'ipc'];
  const hostNetwork = pod.spec.hostNetwork === true;
  return {
    Name: pod.name,
    Labels: { ...pod.labels, [KUBE_OBJECT_LABEL]: pod.object, [KUBE_POD_LABEL]: pod.name },
    Hostname: (pod.spec.hostname as string | undefined) ?? pod.name,
    Share: share,
    NetworkMode: hostNetwork ? 'host' : KUBE_NETWORK,
    ...(hostNetwork ? {} : {
      PortBindings: publish,
      NetworkingConfig: { EndpointsConfig: { [KUBE_NETWORK]: { Aliases: [...new Set(aliases)] } } },
    }),
  };
}

/** hostPort entries of the pod's containers, as the pod's bindings. */
export function podHostPorts(pod: PodPlan): Record<string, PortBinding[]> {
  const out: Record<string, PortBinding[]> = {};
  ((pod.spec.containers ?? []) as KubeObject[]).forEach((c, i) => {
    ((c.ports ?? []) as KubeObject[]).forEach((p, j) => {
      if (p.hostPort === undefined) return;
      const proto = protocolOf(pod.doc, p.protocol, [...pod.specPath, 'containers', i, 'ports', j, 'protocol']);
      (out[`${p.containerPort}/${proto}`] ??= []).push({ HostIp: (p.hostIP as string | undefined) ?? '', HostPort: String(p.hostPort) });
    });
  });
  return out;
}
