// A merged, canonical service (plain data) → the typed ServiceConfig the engine reads: env_file
// contents under `environment`, durations in ns, sizes in bytes, defaults filled (networks,
// scale), implicit dependencies (links, volumes_from, network_mode: service:) in depends_on.
import { ComposeValueError } from './compose-file-error.js';
import { readEnvFile } from './env-file.js';
import type { Lookup } from './interpolate.js';
import type { DeployConfig, EnvFileRef, Healthcheck, ServiceConfig, ServiceDependency, ServiceFileRef, ServiceNetwork, ServicePort, ServiceVolume, Ulimit } from './project.js';
import { parseDuration, parseSize } from './units.js';

type Raw = Record<string, unknown>;

/** Throws ComposeValueError with the key at fault in `key`. */
export class ServiceValueError extends ComposeValueError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

const STRING_KEYS = ['image', 'container_name', 'hostname', 'domainname', 'user', 'working_dir', 'network_mode', 'restart', 'stop_signal', 'pull_policy', 'platform', 'ipc', 'pid', 'mac_address'] as const;
const BOOL_KEYS = ['init', 'privileged', 'read_only', 'stdin_open', 'tty'] as const;
const LIST_KEYS = ['expose', 'tmpfs', 'cap_add', 'cap_drop', 'security_opt', 'dns', 'dns_search', 'dns_opt', 'profiles', 'devices', 'group_add', 'links', 'external_links', 'volumes_from'] as const;

export async function normalizeService(name: string, raw: Raw, lookup: Lookup): Promise<ServiceConfig> {
  const svc: ServiceConfig = {
    name,
    command: (raw.command as string[] | undefined) ?? null,
    entrypoint: (raw.entrypoint as string[] | undefined) ?? null,
    environment: await environmentOf(raw, lookup),
    ports: (raw.ports as ServicePort[] | undefined) ?? [],
    volumes: (raw.volumes as ServiceVolume[] | undefined) ?? [],
    networks: {},
    depends_on: {},
    scale: 1,
    labels: stringMap(raw.labels),
  };
  for (const k of STRING_KEYS) if (raw[k] !== undefined && raw[k] !== null) svc[k] = String(raw[k]);
  for (const k of BOOL_KEYS) if (raw[k] !== undefined && raw[k] !== null) svc[k] = toBool(raw[k], k);
  for (const k of LIST_KEYS) if (Array.isArray(raw[k])) svc[k] = (raw[k] as unknown[]).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  if (raw.env_file) svc.env_file = raw.env_file as EnvFileRef[];
  if (raw.build) svc.build = raw.build as ServiceConfig['build'];
  if (raw.network_mode === undefined) {
    const nets = (raw.networks as Record<string, Raw | null> | undefined) ?? { default: null };
    for (const [n, cfg] of Object.entries(nets)) svc.networks[n] = (cfg ?? {}) as ServiceNetwork;
  }
  for (const [dep, d] of Object.entries((raw.depends_on as Record<string, Raw> | undefined) ?? {})) {
    svc.depends_on[dep] = { condition: d.condition as ServiceDependency['condition'], restart: d.restart === true, required: d.required !== false };
  }
  addImplicitDependencies(svc);
  if (raw.healthcheck) svc.healthcheck = healthcheck(raw.healthcheck as Raw);
  if (raw.stop_grace_period !== undefined) svc.stop_grace_period = duration(raw.stop_grace_period, 'stop_grace_period');
  for (const k of ['shm_size', 'mem_limit', 'mem_reservation'] as const) if (raw[k] !== undefined) svc[k] = size(raw[k], k);
  if (raw.cpus !== undefined) svc.cpus = Number(raw.cpus);
  if (raw.cpu_shares !== undefined) svc.cpu_shares = Number(raw.cpu_shares);
  if (raw.deploy) svc.deploy = deploy(raw.deploy as Raw);
  const replicas = svc.deploy?.replicas ?? (raw.scale !== undefined ? Number(raw.scale) : undefined);
  if (replicas !== undefined) {
    if (!Number.isInteger(replicas) || replicas < 0) throw new ServiceValueError('scale', `invalid scale ${JSON.stringify(raw.scale ?? svc.deploy?.replicas)}`);
    svc.scale = replicas;
  }
  if (raw.ulimits) svc.ulimits = raw.ulimits as Record<string, Ulimit>;
  if (raw.sysctls) svc.sysctls = stringMap(raw.sysctls);
  if (raw.extra_hosts) svc.extra_hosts = Object.entries(raw.extra_hosts as Record<string, string[]>).flatMap(([h, ips]) => ips.map((ip) => `${h}:${ip}`));
  if (raw.secrets) svc.secrets = fileRefs(raw.secrets);
  if (raw.configs) svc.configs = fileRefs(raw.configs);
  if (raw.logging) svc.logging = raw.logging as ServiceConfig['logging'];
  const ext = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-')));
  if (Object.keys(ext).length > 0) svc.extensions = ext;
  return svc;
}

async function environmentOf(raw: Raw, lookup: Lookup): Promise<Record<string, string | null>> {
  const env: Record<string, string | null> = {};
  for (const ref of (raw.env_file as EnvFileRef[] | undefined) ?? []) {
    const vars = await readEnvFile(ref.path, lookup, !ref.required);
    if (vars) Object.assign(env, vars);
  }
  Object.assign(env, (raw.environment as Record<string, string | null> | undefined) ?? {});
  // A name without a value takes the project's environment, as compose does.
  for (const [k, v] of Object.entries(env)) if (v === null) env[k] = lookup(k) ?? null;
  return env;
}

function addImplicitDependencies(svc: ServiceConfig): void {
  const add = (dep: string): void => {
    if (dep !== '' && !(dep in svc.depends_on)) svc.depends_on[dep] = { condition: 'service_started', restart: false, required: true };
  };
  if (svc.network_mode?.startsWith('service:')) add(svc.network_mode.slice(8));
  for (const l of svc.links ?? []) add(l.split(':')[0]!);
  for (const v of svc.volumes_from ?? []) if (!v.startsWith('container:')) add(v.split(':')[0]!);
}

function healthcheck(h: Raw): Healthcheck {
  const out: Healthcheck = {};
  if (h.test !== undefined) out.test = (h.test as unknown[]).map(String);
  for (const k of ['interval', 'timeout', 'start_period', 'start_interval'] as const) if (h[k] !== undefined) out[k] = duration(h[k], `healthcheck.${k}`);
  if (h.retries !== undefined) out.retries = Number(h.retries);
  if (h.disable !== undefined) out.disable = toBool(h.disable, 'healthcheck.disable');
  if (out.disable) out.test = ['NONE'];
  return out;
}

function deploy(d: Raw): DeployConfig {
  const out: DeployConfig = {};
  if (d.mode !== undefined) out.mode = String(d.mode);
  if (d.replicas !== undefined) out.replicas = Number(d.replicas);
  if (d.labels) out.labels = stringMap(d.labels);
  const res = d.resources as Raw | undefined;
  if (res) {
    out.resources = {};
    for (const k of ['limits', 'reservations'] as const) {
      const r = res[k] as Raw | undefined;
      if (!r) continue;
      const spec: Record<string, unknown> = {};
      if (r.cpus !== undefined) spec.cpus = Number(r.cpus);
      if (r.memory !== undefined) spec.memory = size(r.memory, `deploy.resources.${k}.memory`);
      if (r.pids !== undefined) spec.pids = Number(r.pids);
      if (r.devices !== undefined) spec.devices = r.devices;
      out.resources[k] = spec;
    }
  }
  const rp = d.restart_policy as Raw | undefined;
  if (rp) {
    out.restart_policy = {};
    if (rp.condition !== undefined) out.restart_policy.condition = String(rp.condition);
    if (rp.delay !== undefined) out.restart_policy.delay = duration(rp.delay, 'deploy.restart_policy.delay');
    if (rp.max_attempts !== undefined) out.restart_policy.max_attempts = Number(rp.max_attempts);
    if (rp.window !== undefined) out.restart_policy.window = duration(rp.window, 'deploy.restart_policy.window');
  }
  return out;
}

function fileRefs(v: unknown): ServiceFileRef[] {
  return (v as Raw[]).map((r) => {
    const ref: ServiceFileRef = { source: String(r.source) };
    if (r.target !== undefined) ref.target = String(r.target);
    if (r.uid !== undefined) ref.uid = String(r.uid);
    if (r.gid !== undefined) ref.gid = String(r.gid);
    if (r.mode !== undefined) ref.mode = typeof r.mode === 'number' ? r.mode : parseInt(String(r.mode), 8);
    return ref;
  });
}

function duration(v: unknown, key: string): number {
  const ns = parseDuration(v as string | number);
  if (ns === undefined) throw new ServiceValueError(key, `invalid duration ${JSON.stringify(v)}`);
  return ns;
}

function size(v: unknown, key: string): number {
  const b = parseSize(v as string | number);
  if (b === undefined) throw new ServiceValueError(key, `invalid size ${JSON.stringify(v)}`);
  return b;
}

function toBool(v: unknown, key: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  throw new ServiceValueError(key, `must be a boolean, not ${JSON.stringify(v)}`);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries((v as Record<string, unknown> | undefined) ?? {})) out[k] = val === null || val === undefined ? '' : String(val);
  return out;
}
