// A service as written → the same service with every either-or syntax in one form, still plain
// data: maps for list-or-dict keys, long syntax for ports, volumes, depends_on, networks,
// secrets/configs, env_file, arrays for commands, absolute host paths. Done per file, before
// merge and extends, so those can combine entries by key; errors name file, line and key.
import { ComposeFileError, ComposeValueError } from './compose-file-error.js';
import { childPath, positionOf, type ComposeSource } from './compose-source.js';
import { parsePorts } from './port-syntax.js';
import { splitShellWords } from './shell-words.js';
import { parseVolume, resolveHostPath } from './volume-syntax.js';

type Raw = Record<string, unknown>;

/** Converts a list of `KEY=VALUE` (or `KEY` alone = null) or a mapping to a mapping. */
export function listOrDict(value: unknown, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = String(item);
      const at = s.indexOf(sep);
      if (at < 0) out[s] = null;
      else out[s.slice(0, at)] = s.slice(at + 1);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? null : String(v);
  }
  return out;
}

const LIST_OR_DICT = ['environment', 'labels', 'annotations', 'sysctls'];
const STRING_OR_LIST = ['dns', 'dns_search', 'tmpfs', 'label_file'];

/** Canonicalizes the services of one parsed file in place. `baseDir` resolves relative paths. */
export function canonicalizeServices(source: ComposeSource, baseDir: string): void {
  const services = (source.data.services ?? {}) as Record<string, Raw | null>;
  for (const [name, svc] of Object.entries(services)) {
    const path = childPath('services', name);
    if (svc === null) {
      services[name] = {};
      continue;
    }
    const at = (key: string, fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        if (err instanceof ComposeValueError) throw new ComposeFileError(positionOf(source, childPath(path, key)), childPath(path, key), err.message);
        throw err;
      }
    };
    canonicalizeService(svc, baseDir, at);
  }
}

export function canonicalizeService(svc: Raw, baseDir: string, at: (key: string, fn: () => void) => void = (_k, fn) => fn()): void {
  for (const k of LIST_OR_DICT) if (k in svc) svc[k] = listOrDict(svc[k]);
  for (const k of STRING_OR_LIST) if (typeof svc[k] === 'string') svc[k] = [svc[k]];
  if ('extra_hosts' in svc) at('extra_hosts', () => (svc.extra_hosts = extraHosts(svc.extra_hosts)));
  for (const k of ['command', 'entrypoint'] as const) {
    if (typeof svc[k] === 'string') at(k, () => (svc[k] = splitShellWords(svc[k] as string)));
    else if (Array.isArray(svc[k])) svc[k] = (svc[k] as unknown[]).map(String);
  }
  if (typeof svc.build === 'string') svc.build = { context: svc.build };
  if (svc.build && typeof svc.build === 'object') {
    const b = svc.build as Raw;
    b.context = resolveContext(String(b.context ?? '.'), baseDir);
    if ('args' in b) b.args = listOrDict(b.args);
    if ('labels' in b) b.labels = listOrDict(b.labels);
    if ('extra_hosts' in b) b.extra_hosts = extraHosts(b.extra_hosts);
    if (Array.isArray(b.secrets)) b.secrets = b.secrets.map((s) => fileRef(s));
    if (typeof b.ssh === 'string') b.ssh = [b.ssh];
  }
  if (svc.depends_on !== undefined) at('depends_on', () => (svc.depends_on = dependsOn(svc.depends_on)));
  if (Array.isArray(svc.networks)) svc.networks = Object.fromEntries(svc.networks.map((n) => [String(n), null]));
  if (Array.isArray(svc.ports)) at('ports', () => (svc.ports = (svc.ports as unknown[]).flatMap((p) => parsePorts(p))));
  if (Array.isArray(svc.expose)) svc.expose = svc.expose.map(String);
  if (Array.isArray(svc.volumes)) at('volumes', () => (svc.volumes = (svc.volumes as unknown[]).map((v) => parseVolume(v, baseDir))));
  if (svc.env_file !== undefined) svc.env_file = envFiles(svc.env_file, baseDir);
  for (const k of ['secrets', 'configs'] as const) if (Array.isArray(svc[k])) svc[k] = (svc[k] as unknown[]).map((s) => fileRef(s));
  if (svc.healthcheck && typeof svc.healthcheck === 'object') {
    const h = svc.healthcheck as Raw;
    if (typeof h.test === 'string') h.test = ['CMD-SHELL', h.test];
  }
  if (svc.ulimits && typeof svc.ulimits === 'object') {
    const u = svc.ulimits as Record<string, unknown>;
    for (const [k, v] of Object.entries(u)) if (typeof v !== 'object' || v === null) u[k] = { soft: Number(v), hard: Number(v) };
  }
  if (typeof svc.extends === 'string') svc.extends = { service: svc.extends };
}

function resolveContext(context: string, baseDir: string): string {
  // URLs (git, http) stay as written.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) return context;
  return resolveHostPath(context, baseDir);
}

function extraHosts(value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (host: string, ip: string): void => void (out[host] ??= []).push(ip);
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = String(item);
      // host=ip or host:ip; the first separator splits (IPv6 addresses hold colons).
      const eq = s.indexOf('=');
      const at = eq >= 0 ? eq : s.indexOf(':');
      if (at < 0) throw new ComposeValueError(`invalid extra host ${JSON.stringify(s)}: expected HOST:IP`);
      add(s.slice(0, at), s.slice(at + 1));
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) for (const ip of Array.isArray(v) ? v : [v]) add(k, String(ip));
  }
  return out;
}

function dependsOn(value: unknown): Record<string, Raw> {
  const out: Record<string, Raw> = {};
  if (Array.isArray(value)) {
    for (const n of value) out[String(n)] = { condition: 'service_started', required: true };
    return out;
  }
  for (const [n, d] of Object.entries(value as Record<string, Raw>)) {
    const restart = d.restart;
    out[n] = {
      condition: d.condition ?? 'service_started',
      ...(restart !== undefined ? { restart: restart === true || restart === 'true' } : {}),
      required: d.required ?? true,
    };
  }
  return out;
}

function envFiles(value: unknown, baseDir: string): Raw[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((e) =>
    typeof e === 'string'
      ? { path: resolveHostPath(e, baseDir), required: true }
      : { path: resolveHostPath(String((e as Raw).path), baseDir), required: (e as Raw).required ?? true },
  );
}

function fileRef(value: unknown): Raw {
  return typeof value === 'string' ? { source: value } : { ...(value as Raw) };
}
