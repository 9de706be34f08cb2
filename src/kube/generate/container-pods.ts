// Inspected containers → GenContainers: what the container sets beyond its image (env the image
// does not set), its published ports, mounts (named volumes as claims, binds as hostPath, tmpfs as
// memory emptyDir), health check, resources and security settings.
import type { ContainerInspect } from '../../client/types.js';
import { dnsName, type GenContainer, type GenMount, type GenPort } from './generate-model.js';

interface InspectMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  RW?: boolean;
}

export function inspectedContainer(c: ContainerInspect, imageEnv: readonly string[]): GenContainer {
  const cfg = c.Config ?? {};
  const host = c.HostConfig ?? {};
  const env: Record<string, string> = {};
  const inImage = new Set(imageEnv);
  for (const e of cfg.Env ?? []) {
    if (inImage.has(e)) continue;
    const i = e.indexOf('=');
    env[i < 0 ? e : e.slice(0, i)] = i < 0 ? '' : e.slice(i + 1);
  }
  const ports: GenPort[] = [];
  for (const [key, bindings] of Object.entries(host.PortBindings ?? {})) {
    const [port, proto] = key.split('/');
    const b = bindings?.[0];
    ports.push({ target: Number(port), protocol: (proto ?? 'tcp') as GenPort['protocol'], ...(b?.HostPort ? { hostPort: Number(b.HostPort) } : {}), ...(b?.HostIp && b.HostIp !== '0.0.0.0' ? { hostIp: b.HostIp } : {}) });
  }
  for (const key of Object.keys(cfg.ExposedPorts ?? {})) {
    const [port, proto] = key.split('/');
    if (!ports.some((p) => p.target === Number(port))) ports.push({ target: Number(port), protocol: (proto ?? 'tcp') as GenPort['protocol'] });
  }
  const mounts: GenMount[] = [];
  for (const m of ((c as { Mounts?: InspectMount[] }).Mounts ?? [])) {
    if (!m.Destination) continue;
    if (m.Type === 'volume' && m.Name) mounts.push({ kind: 'claim', claim: dnsName(m.Name), target: m.Destination, readOnly: m.RW === false });
    else if (m.Type === 'bind' && m.Source) mounts.push({ kind: 'hostPath', path: m.Source, target: m.Destination, readOnly: m.RW === false });
    else if (m.Type === 'tmpfs') mounts.push({ kind: 'emptyDir', target: m.Destination, memory: true });
  }
  for (const t of Object.keys(host.Tmpfs ?? {})) if (!mounts.some((m) => m.target === t)) mounts.push({ kind: 'emptyDir', target: t, memory: true });
  const hc = cfg.Healthcheck;
  const health = hc?.Test && hc.Test[0] !== 'NONE' && hc.Test.length > 1 ? { test: hc.Test, ...(hc.Interval ? { intervalNs: hc.Interval } : {}), ...(hc.Timeout ? { timeoutNs: hc.Timeout } : {}), ...(hc.Retries ? { retries: hc.Retries } : {}), ...(hc.StartPeriod ? { startPeriodNs: hc.StartPeriod } : {}) } : undefined;
  return {
    name: dnsName((c.Name ?? c.Id).replace(/^\//, '')),
    image: cfg.Image ?? c.Image ?? '',
    ...(cfg.Entrypoint?.length ? { entrypoint: cfg.Entrypoint } : {}),
    ...(cfg.Cmd?.length ? { cmd: cfg.Cmd } : {}),
    env,
    ...(cfg.WorkingDir ? { workingDir: cfg.WorkingDir } : {}),
    ...(cfg.Tty ? { tty: true } : {}),
    ...(cfg.OpenStdin ? { stdin: true } : {}),
    ports,
    mounts,
    ...(health ? { health } : {}),
    ...(host.Memory ? { memoryLimit: host.Memory } : {}),
    ...(host.MemoryReservation ? { memoryRequest: host.MemoryReservation } : {}),
    ...(host.NanoCpus ? { cpuLimit: host.NanoCpus / 1e9 } : {}),
    ...(host.CpuShares ? { cpuRequest: host.CpuShares / 1024 } : {}),
    ...(host.CapAdd?.length ? { capAdd: host.CapAdd } : {}),
    ...(host.CapDrop?.length ? { capDrop: host.CapDrop } : {}),
    ...(cfg.User ? { user: cfg.User } : {}),
    ...(host.ReadonlyRootfs ? { readOnlyRootfs: true } : {}),
    ...(host.Privileged ? { privileged: true } : {}),
    ...(host.SecurityOpt?.some((o) => /^no-new-privileges(:true|=true)?$/.test(o)) ? { noNewPrivileges: true } : {}),
  };
}
