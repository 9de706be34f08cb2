// `compose config`: the project as compose v2 prints it — top level name, services, networks,
// volumes, secrets, configs; service keys in alphabetical order; ports, volumes and
// dependencies in long syntax with compose's key order; durations as Go prints them; empty
// things left out; a network attached with no options printed as null.
import { stringify } from 'yaml';
import type { ComposeProject, Healthcheck, ServiceConfig, ServicePort, ServiceVolume } from './project.js';
import { formatDuration } from './units.js';

type Out = Record<string, unknown>;

export function projectView(p: ComposeProject): Out {
  const out: Out = { name: p.name };
  out.services = Object.fromEntries(Object.keys(p.services).sort().map((n) => [n, serviceView(p.services[n]!)]));
  if (Object.keys(p.networks).length > 0) out.networks = p.networks;
  if (Object.keys(p.volumes).length > 0) out.volumes = p.volumes;
  if (Object.keys(p.secrets).length > 0) out.secrets = p.secrets;
  if (Object.keys(p.configs).length > 0) out.configs = p.configs;
  for (const [k, v] of Object.entries(p.extensions ?? {})) out[k] = v;
  return out;
}

function serviceView(s: ServiceConfig): Out {
  const out: Out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'name' || k === 'scale' || k === 'extensions' || k === 'env_file' || v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 && k !== 'networks') continue;
    out[k] = v;
  }
  if (Object.keys(s.networks).length > 0) out.networks = Object.fromEntries(Object.entries(s.networks).map(([n, c]) => [n, Object.keys(c).length === 0 ? null : c]));
  else delete out.networks;
  if (s.ports.length > 0) out.ports = s.ports.map(portView);
  if (s.volumes.length > 0) out.volumes = s.volumes.map(volumeView);
  if (Object.keys(s.depends_on).length > 0) {
    out.depends_on = Object.fromEntries(
      Object.entries(s.depends_on).map(([n, d]) => [n, { condition: d.condition, ...(d.restart ? { restart: true } : {}), required: d.required }]),
    );
  }
  if (s.healthcheck) out.healthcheck = healthcheckView(s.healthcheck);
  if (s.stop_grace_period !== undefined) out.stop_grace_period = formatDuration(s.stop_grace_period);
  if (s.scale !== 1 && s.deploy?.replicas === undefined) out.scale = s.scale;
  for (const [k, v] of Object.entries(s.extensions ?? {})) out[k] = v;
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

function portView(p: ServicePort): Out {
  return pick(p, ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']);
}

function volumeView(v: ServiceVolume): Out {
  return pick(v, ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image']);
}

function healthcheckView(h: Healthcheck): Out {
  const out: Out = pick(h, ['test']);
  for (const k of ['timeout', 'interval'] as const) if (h[k] !== undefined) out[k] = formatDuration(h[k]!);
  if (h.retries !== undefined) out.retries = h.retries;
  for (const k of ['start_period', 'start_interval'] as const) if (h[k] !== undefined) out[k] = formatDuration(h[k]!);
  if (h.disable) out.disable = true;
  return out;
}

function pick<T extends object>(o: T, keys: string[]): Out {
  const out: Out = {};
  for (const k of keys) {
    const v = (o as Out)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export type ConfigFormat = 'yaml' | 'json';

export function renderProject(p: ComposeProject, format: ConfigFormat): string {
  const view = projectView(p);
  if (format === 'json') return JSON.stringify(view, null, 2) + '\n';
  return stringify(view, { indent: 2, indentSeq: true, lineWidth: 0, nullStr: 'null' });
}
