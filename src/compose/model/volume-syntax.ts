// Service volumes, short syntax → long: `[SOURCE:]TARGET[:MODE]`. A source starting with `.`,
// `/` or `~` is a bind (made absolute against the project directory); otherwise a named volume;
// no source is an anonymous volume. MODE is a comma list (ro, rw, z, Z, nocopy, propagation,
// consistency).
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ComposeValueError } from './compose-file-error.js';
import type { ServiceVolume } from './project.js';
import { parseSize } from './units.js';

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const TYPES = new Set(['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image']);

export function parseVolume(value: unknown, baseDir: string): ServiceVolume {
  if (typeof value === 'string') return parseShortVolume(value, baseDir);
  if (value && typeof value === 'object') return longVolume(value as Record<string, unknown>, baseDir);
  throw new ComposeValueError(`invalid volume ${JSON.stringify(value)}`);
}

export function resolveHostPath(path: string, baseDir: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function isHostPath(s: string): boolean {
  return s.startsWith('.') || s.startsWith('/') || s.startsWith('~');
}

function parseShortVolume(spec: string, baseDir: string): ServiceVolume {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new ComposeValueError(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length === 1) return { type: 'volume', target: parts[0]!, volume: {} };
  const [source, target, mode = ''] = parts as [string, string, string?];
  const modes = mode === '' ? [] : mode.split(',');
  const bind = isHostPath(source);
  const v: ServiceVolume = bind
    ? { type: 'bind', source: resolveHostPath(source, baseDir), target, bind: { create_host_path: true } }
    : { type: 'volume', source, target, volume: {} };
  for (const m of modes) {
    if (m === 'ro') v.read_only = true;
    else if (m === 'rw') continue;
    else if (m === 'z' || m === 'Z') {
      if (!bind) throw new ComposeValueError(`invalid mode ${JSON.stringify(m)} for a named volume: ${spec}`);
      v.bind!.selinux = m;
    } else if (m === 'nocopy') {
      if (bind) throw new ComposeValueError(`invalid mode "nocopy" for a bind mount: ${spec}`);
      v.volume!.nocopy = true;
    } else if (PROPAGATION.has(m)) {
      if (!bind) throw new ComposeValueError(`invalid mode ${JSON.stringify(m)} for a named volume: ${spec}`);
      v.bind!.propagation = m;
    } else if (m === 'consistent' || m === 'cached' || m === 'delegated') v.consistency = m;
    else throw new ComposeValueError(`invalid mode ${JSON.stringify(m)}: ${spec}`);
  }
  return v;
}

function longVolume(o: Record<string, unknown>, baseDir: string): ServiceVolume {
  const type = String(o.type ?? '');
  if (!TYPES.has(type)) throw new ComposeValueError(`invalid volume type ${JSON.stringify(o.type ?? '')}`);
  if (typeof o.target !== 'string' || o.target === '') throw new ComposeValueError('volume target is missing');
  const v: ServiceVolume = { type: type as ServiceVolume['type'], target: o.target };
  if (o.source !== undefined && o.source !== null && o.source !== '') {
    v.source = type === 'bind' ? resolveHostPath(String(o.source), baseDir) : String(o.source);
  } else if (type === 'bind') throw new ComposeValueError('a bind mount needs a source');
  if (o.read_only !== undefined) v.read_only = Boolean(o.read_only);
  if (o.consistency !== undefined) v.consistency = String(o.consistency);
  const bind = o.bind as Record<string, unknown> | undefined;
  if (bind) {
    v.bind = {};
    if (bind.propagation !== undefined) v.bind.propagation = String(bind.propagation);
    if (bind.create_host_path !== undefined) v.bind.create_host_path = Boolean(bind.create_host_path);
    if (bind.selinux === 'z' || bind.selinux === 'Z') v.bind.selinux = bind.selinux;
  }
  const vol = o.volume as Record<string, unknown> | undefined;
  if (vol) {
    v.volume = {};
    if (vol.nocopy !== undefined) v.volume.nocopy = Boolean(vol.nocopy);
    if (vol.subpath !== undefined) v.volume.subpath = String(vol.subpath);
  }
  const tmpfs = o.tmpfs as Record<string, unknown> | undefined;
  if (tmpfs) {
    v.tmpfs = {};
    if (tmpfs.size !== undefined) {
      const size = parseSize(tmpfs.size as string | number);
      if (size === undefined) throw new ComposeValueError(`invalid tmpfs size ${JSON.stringify(tmpfs.size)}`);
      v.tmpfs.size = size;
    }
    if (tmpfs.mode !== undefined) v.tmpfs.mode = typeof tmpfs.mode === 'number' ? tmpfs.mode : parseInt(String(tmpfs.mode), 8);
  }
  const image = o.image as Record<string, unknown> | undefined;
  if (image) v.image = image.subpath !== undefined ? { subpath: String(image.subpath) } : {};
  return v;
}
