// A compose project → GenPods (one per service) and the ConfigMaps/Secrets of its configs and
// secrets. Named volumes become claims named like their volume on the engine (DNS-safe).
import { readFileSync } from 'node:fs';
import type { ComposeProject, FileObjectConfig, ServiceConfig } from '../../compose/model/project.js';
import { dnsName, type GenContainer, type GenData, type GenMount, type GenPod } from './generate-model.js';

export function composePods(project: ComposeProject, onWarning: (m: string) => void): { pods: GenPod[]; data: GenData[] } {
  const data: GenData[] = [];
  const dataFor = (kind: 'ConfigMap' | 'Secret', key: string, obj: FileObjectConfig | undefined): string => {
    const name = dnsName(`${project.name}-${key}`);
    if (!data.some((d) => d.kind === kind && d.name === name)) data.push({ kind, name, data: { [key]: contentOf(obj, project) } });
    return name;
  };
  const pods = Object.values(project.services)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s): GenPod => {
      for (const f of ['network_mode', 'links', 'volumes_from', 'devices'] as const) if (s[f] !== undefined && (!Array.isArray(s[f]) || (s[f] as unknown[]).length)) onWarning(`service ${s.name}: ${f} has no Kubernetes equivalent; left out`);
      return {
        name: dnsName(s.name),
        containers: [serviceContainer(project, s, dataFor)],
        ...(s.restart ? { restart: s.restart } : {}),
        ...(s.hostname ? { hostname: s.hostname } : {}),
        ...(s.stop_grace_period !== undefined ? { stopGraceSeconds: Math.ceil(s.stop_grace_period / 1e9) } : {}),
        ...(s.sysctls ? { sysctls: s.sysctls } : {}),
        annotations: s.labels,
        replicas: s.scale,
      };
    });
  return { pods, data };
}

function contentOf(obj: FileObjectConfig | undefined, project: ComposeProject): string {
  if (!obj) return '';
  if (obj.content !== undefined) return obj.content;
  if (obj.environment !== undefined) return project.environment[obj.environment] ?? '';
  if (obj.file) return readFileSync(obj.file, 'utf8');
  return '';
}

function serviceContainer(project: ComposeProject, s: ServiceConfig, dataFor: (kind: 'ConfigMap' | 'Secret', key: string, obj: FileObjectConfig | undefined) => string): GenContainer {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment)) if (v !== null) env[k] = v;
  const mounts: GenMount[] = [];
  for (const v of s.volumes) {
    if (v.type === 'volume' && v.source) mounts.push({ kind: 'claim', claim: dnsName(project.volumes[v.source]?.name ?? v.source), target: v.target, readOnly: v.read_only === true, ...(v.volume?.subpath ? { subPath: v.volume.subpath } : {}) });
    else if (v.type === 'volume') mounts.push({ kind: 'emptyDir', target: v.target, memory: false });
    else if (v.type === 'bind' && v.source) mounts.push({ kind: 'hostPath', path: v.source, target: v.target, readOnly: v.read_only === true });
    else if (v.type === 'tmpfs') mounts.push({ kind: 'emptyDir', target: v.target, memory: true, ...(v.tmpfs?.size ? { sizeBytes: v.tmpfs.size } : {}) });
  }
  for (const t of s.tmpfs ?? []) mounts.push({ kind: 'emptyDir', target: t.split(':')[0]!, memory: true });
  for (const c of s.configs ?? []) mounts.push({ kind: 'configMap', object: dataFor('ConfigMap', c.source, project.configs[c.source]), key: c.source, target: c.target ?? `/${c.source}`, ...(c.mode !== undefined ? { mode: c.mode } : {}) });
  for (const c of s.secrets ?? []) mounts.push({ kind: 'secret', object: dataFor('Secret', c.source, project.secrets[c.source]), key: c.source, target: c.target?.startsWith('/') ? c.target : `/run/secrets/${c.target ?? c.source}`, ...(c.mode !== undefined ? { mode: c.mode } : {}) });
  const limits = s.deploy?.resources?.limits;
  const reservations = s.deploy?.resources?.reservations;
  const hc = s.healthcheck;
  const health = hc && !hc.disable && hc.test && hc.test[0] !== 'NONE' ? { test: hc.test, ...(hc.interval ? { intervalNs: hc.interval } : {}), ...(hc.timeout ? { timeoutNs: hc.timeout } : {}), ...(hc.retries ? { retries: hc.retries } : {}), ...(hc.start_period ? { startPeriodNs: hc.start_period } : {}) } : undefined;
  const memoryLimit = s.mem_limit ?? limits?.memory;
  const cpuLimit = s.cpus ?? limits?.cpus;
  const memoryRequest = s.mem_reservation ?? reservations?.memory;
  return {
    name: dnsName(s.name),
    image: s.image ?? `${project.name}-${s.name}`,
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(s.command ? { cmd: s.command } : {}),
    env,
    ...(s.working_dir ? { workingDir: s.working_dir } : {}),
    ...(s.tty ? { tty: true } : {}),
    ...(s.stdin_open ? { stdin: true } : {}),
    ports: [
      ...s.ports.map((p) => ({ target: p.target, protocol: p.protocol, ...(p.published && /^\d+$/.test(p.published) ? { hostPort: Number(p.published) } : {}), ...(p.host_ip ? { hostIp: p.host_ip } : {}) })),
      ...(s.expose ?? []).map((e) => ({ target: Number(e.split('/')[0]), protocol: (e.split('/')[1] ?? 'tcp') as 'tcp' | 'udp' })).filter((p) => Number.isInteger(p.target)),
    ],
    mounts,
    ...(health ? { health } : {}),
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(memoryRequest ? { memoryRequest } : {}),
    ...(cpuLimit ? { cpuLimit } : {}),
    ...(reservations?.cpus ? { cpuRequest: reservations.cpus } : {}),
    ...(s.cap_add ? { capAdd: s.cap_add } : {}),
    ...(s.cap_drop ? { capDrop: s.cap_drop } : {}),
    ...(s.user ? { user: s.user } : {}),
    ...(s.read_only ? { readOnlyRootfs: true } : {}),
    ...(s.privileged ? { privileged: true } : {}),
    ...(s.security_opt?.some((o) => /^no-new-privileges(:true|=true)?$/.test(o)) ? { noNewPrivileges: true } : {}),
  };
}
