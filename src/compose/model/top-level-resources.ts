// Top-level networks, volumes, secrets and configs in their final shape: engine names
// (`<project>_<key>` unless `name` is given or the resource is external), the implicit
// `default` network, file paths made absolute.
import { ComposeValueError } from './compose-file-error.js';
import { listOrDict } from './canonical-service.js';
import type { FileObjectConfig, NetworkConfig, ServiceConfig, VolumeConfig } from './project.js';
import { resolveHostPath } from './volume-syntax.js';

type Raw = Record<string, unknown>;

export class ResourceValueError extends ComposeValueError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

function common(project: string, key: string, raw: Raw): { name: string; external?: boolean; labels?: Record<string, string> } {
  const ext = raw.external;
  const external = ext === true || ext === 'true' || (ext !== null && typeof ext === 'object');
  // The old `external: {name: x}` form names the resource.
  const extName = ext && typeof ext === 'object' ? (ext as Raw).name : undefined;
  const name = String(raw.name ?? extName ?? (external ? key : `${project}_${key}`));
  const out: { name: string; external?: boolean; labels?: Record<string, string> } = { name };
  if (external) out.external = true;
  if (raw.labels) out.labels = listOrDict(raw.labels) as Record<string, string>;
  return out;
}

export function buildNetworks(project: string, raw: Record<string, Raw | null> | undefined, services: Record<string, ServiceConfig>): Record<string, NetworkConfig> {
  const out: Record<string, NetworkConfig> = {};
  for (const [key, r] of Object.entries(raw ?? {})) {
    const n = r ?? {};
    const net: NetworkConfig = common(project, key, n);
    for (const k of ['driver'] as const) if (n[k] !== undefined) net[k] = String(n[k]);
    for (const k of ['internal', 'attachable', 'enable_ipv6'] as const) if (n[k] !== undefined) net[k] = n[k] === true || n[k] === 'true';
    if (n.driver_opts) net.driver_opts = n.driver_opts as Record<string, string>;
    if (n.ipam) net.ipam = n.ipam as NetworkConfig['ipam'];
    out[key] = net;
  }
  const used = new Set(Object.values(services).flatMap((s) => Object.keys(s.networks)));
  if (used.has('default') && !out.default) out.default = { name: `${project}_default` };
  for (const s of Object.values(services)) {
    for (const n of Object.keys(s.networks)) if (!out[n]) throw new ResourceValueError(`services.${s.name}.networks.${n}`, `service ${JSON.stringify(s.name)} refers to undefined network ${n}: invalid compose project`);
  }
  return out;
}

export function buildVolumes(project: string, raw: Record<string, Raw | null> | undefined, services: Record<string, ServiceConfig>): Record<string, VolumeConfig> {
  const out: Record<string, VolumeConfig> = {};
  for (const [key, r] of Object.entries(raw ?? {})) {
    const v = r ?? {};
    const vol: VolumeConfig = common(project, key, v);
    if (v.driver !== undefined) vol.driver = String(v.driver);
    if (v.driver_opts) vol.driver_opts = v.driver_opts as Record<string, string>;
    out[key] = vol;
  }
  for (const s of Object.values(services)) {
    s.volumes.forEach((v, i) => {
      if (v.type === 'volume' && v.source !== undefined && !out[v.source]) {
        throw new ResourceValueError(`services.${s.name}.volumes[${i}]`, `service ${JSON.stringify(s.name)} refers to undefined volume ${v.source}: invalid compose project`);
      }
    });
  }
  return out;
}

export function buildFileObjects(project: string, kind: 'secrets' | 'configs', raw: Record<string, Raw> | undefined, baseDir: string): Record<string, FileObjectConfig> {
  const out: Record<string, FileObjectConfig> = {};
  for (const [key, r] of Object.entries(raw ?? {})) {
    const o: FileObjectConfig = common(project, key, r);
    if (r.file !== undefined) o.file = resolveHostPath(String(r.file), baseDir);
    if (r.environment !== undefined) o.environment = String(r.environment);
    if (r.content !== undefined) o.content = String(r.content);
    if (o.file === undefined && o.environment === undefined && o.content === undefined && !o.external) {
      throw new ResourceValueError(`${kind}.${key}`, `${kind.slice(0, -1)} ${JSON.stringify(key)} needs one of file, environment${kind === 'configs' ? ', content' : ''} or external`);
    }
    out[key] = o;
  }
  return out;
}
