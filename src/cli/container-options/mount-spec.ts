// `--mount type=bind,source=/a,target=/b,readonly` into the API's Mount object, and the small
// value formats of --device, --ulimit, --restart, --tmpfs.
import { InvalidArgumentError } from '../../errors.js';
import type { MountSpec } from '../../client/types.js';
import { parseRamSize } from '../format/units.js';
import { splitCsv } from '../flags/csv-fields.js';

function parseBoolWord(key: string, v: string): boolean {
  const s = v.toLowerCase();
  if (['1', 't', 'true', ''].includes(s)) return true;
  if (['0', 'f', 'false'].includes(s)) return false;
  throw new InvalidArgumentError(`invalid value for ${key}: ${v}`);
}

export function parseMount(spec: string): MountSpec {
  const m: MountSpec = { Type: 'volume', Target: '' };
  let type: MountSpec['Type'] = 'volume';
  const fields = splitCsv(spec);
  for (const f of fields) {
    if (!f.includes('=')) {
      const key = f.toLowerCase();
      if (key === 'readonly' || key === 'ro') { m.ReadOnly = true; continue; }
      if (key === 'volume-nocopy') { m.VolumeOptions = { ...m.VolumeOptions, NoCopy: true }; continue; }
      if (key === 'bind-nonrecursive') { m.BindOptions = { ...m.BindOptions, NonRecursive: true }; continue; }
      throw new InvalidArgumentError(`invalid field '${f}' must be a key=value pair`);
    }
  }
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq === -1) continue;
    const key = f.slice(0, eq).toLowerCase();
    const value = f.slice(eq + 1);
    switch (key) {
      case 'type':
        if (!['bind', 'volume', 'tmpfs', 'image', 'npipe', 'cluster'].includes(value)) throw new InvalidArgumentError(`invalid mount type: ${value}`);
        type = value as MountSpec['Type'];
        break;
      case 'source': case 'src':
        m.Source = value;
        break;
      case 'target': case 'dst': case 'destination':
        m.Target = value;
        break;
      case 'readonly': case 'ro':
        m.ReadOnly = parseBoolWord(key, value);
        break;
      case 'consistency':
        m.Consistency = value;
        break;
      case 'bind-propagation':
        m.BindOptions = { ...m.BindOptions, Propagation: value };
        break;
      case 'bind-nonrecursive':
        m.BindOptions = { ...m.BindOptions, NonRecursive: parseBoolWord(key, value) };
        break;
      case 'bind-create-mountpoint':
        m.BindOptions = { ...m.BindOptions, CreateMountpoint: parseBoolWord(key, value) };
        break;
      case 'bind-recursive':
        if (value === 'disabled') m.BindOptions = { ...m.BindOptions, NonRecursive: true };
        else if (value === 'readonly') m.BindOptions = { ...m.BindOptions, ReadOnlyForceRecursive: true };
        else if (value === 'writable') m.BindOptions = { ...m.BindOptions, ReadOnlyNonRecursive: true };
        else if (value !== 'enabled') throw new InvalidArgumentError(`invalid value for ${key}: ${value}`);
        break;
      case 'volume-nocopy':
        m.VolumeOptions = { ...m.VolumeOptions, NoCopy: parseBoolWord(key, value) };
        break;
      case 'volume-subpath':
        m.VolumeOptions = { ...m.VolumeOptions, Subpath: value };
        break;
      case 'volume-label': {
        const [k, v = ''] = value.split(/=(.*)/s);
        m.VolumeOptions = { ...m.VolumeOptions, Labels: { ...m.VolumeOptions?.Labels, [k!]: v } };
        break;
      }
      case 'volume-driver':
        m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...m.VolumeOptions?.DriverConfig, Name: value } };
        break;
      case 'volume-opt': {
        const [k, v = ''] = value.split(/=(.*)/s);
        const dc = m.VolumeOptions?.DriverConfig ?? {};
        m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...dc, Options: { ...dc.Options, [k!]: v } } };
        break;
      }
      case 'tmpfs-size':
        m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: parseRamSize(value) };
        break;
      case 'tmpfs-mode': {
        const mode = parseInt(value, 8);
        if (Number.isNaN(mode)) throw new InvalidArgumentError(`invalid value for ${key}: ${value}`);
        m.TmpfsOptions = { ...m.TmpfsOptions, Mode: mode };
        break;
      }
      case 'image-subpath':
        m.ImageOptions = { Subpath: value };
        break;
      default:
        throw new InvalidArgumentError(`unexpected key '${key}' in '${f}'`);
    }
  }
  m.Type = type;
  if (m.Target === '') throw new InvalidArgumentError('target is required');
  if (type === 'bind' && !m.Source) throw new InvalidArgumentError('source is required when specifying bind mount');
  if (m.VolumeOptions && type !== 'volume') throw new InvalidArgumentError(`cannot mix 'volume-*' options with mount type '${type}'`);
  if (m.BindOptions && type !== 'bind') throw new InvalidArgumentError(`cannot mix 'bind-*' options with mount type '${type}'`);
  if (m.TmpfsOptions && type !== 'tmpfs') throw new InvalidArgumentError(`cannot mix 'tmpfs-*' options with mount type '${type}'`);
  return m;
}

/** --device /dev/sda[:/dev/xvda[:rwm]] */
export function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = spec.split(':');
  const validMode = (s: string): boolean => /^[rwm]{1,3}$/.test(s);
  let src = parts[0]!;
  let dst = src;
  let perms = 'rwm';
  if (parts.length === 2) {
    if (validMode(parts[1]!)) perms = parts[1]!;
    else dst = parts[1]!;
  } else if (parts.length === 3) {
    dst = parts[1]!;
    if (!validMode(parts[2]!)) throw new InvalidArgumentError(`bad mode specified: ${parts[2]}`);
    perms = parts[2]!;
  } else if (parts.length > 3) {
    throw new InvalidArgumentError(`bad format for path: ${spec}`);
  }
  if (src === '') throw new InvalidArgumentError(`bad format for path: ${spec}`);
  if (!dst.startsWith('/')) throw new InvalidArgumentError(`${dst} is not an absolute path`);
  src = src.replace(/\/+$/, '') || '/';
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms };
}

/** --ulimit nofile=1024[:2048] */
export function parseUlimit(spec: string): { Name: string; Soft: number; Hard: number } {
  const eq = spec.indexOf('=');
  if (eq === -1) throw new InvalidArgumentError(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, eq);
  const [softS, hardS, extra] = spec.slice(eq + 1).split(':');
  if (extra !== undefined) throw new InvalidArgumentError(`too many limit value arguments - ${spec.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const num = (s: string): number => {
    if (!/^-?\d+$/.test(s)) throw new InvalidArgumentError(`invalid ulimit argument: ${spec}`);
    return Number(s);
  };
  const soft = num(softS!);
  const hard = hardS !== undefined ? num(hardS) : soft;
  if (soft > hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  const known = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];
  if (!known.includes(name)) throw new InvalidArgumentError(`invalid ulimit type: ${name}`);
  return { Name: name, Soft: soft, Hard: hard };
}

/** --restart no|always|unless-stopped|on-failure[:N] */
export function parseRestartPolicy(spec: string): { Name: string; MaximumRetryCount: number } {
  if (spec === '') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count, extra] = spec.split(':');
  if (extra !== undefined) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count must be an integer`);
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) throw new InvalidArgumentError(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  if (count !== undefined) {
    if (name !== 'on-failure') throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
    if (!/^-?\d+$/.test(count)) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count must be an integer`);
    const n = Number(count);
    if (n < 0) throw new InvalidArgumentError(`invalid restart policy: maximum retry count cannot be negative`);
    return { Name: name!, MaximumRetryCount: n };
  }
  return { Name: name!, MaximumRetryCount: 0 };
}
