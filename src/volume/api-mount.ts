// HostConfig.Mounts entries (`--mount type=bind|volume|tmpfs,…`) checked and planned with docker's
// messages. Bind sources must exist (unless CreateMountpoint); volumes without a source are anonymous.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { cleanDest } from './bind-spec.js';
import type { PlannedMount } from './mount-plan.js';
import { validateVolumeName } from './volume-name.js';

export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string> | null;
    DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
    Subpath?: string;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] | null } | null;
}

/** What a volume mount asks of the volume it names (created when missing). */
export interface VolumeRequest {
  labels?: Record<string, string>;
  driver?: string;
  options?: Record<string, string>;
}

function invalid(type: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid mount config for type "${type}": ${why}`);
}

export function parseApiMount(m: ApiMount): { mount: PlannedMount; volume?: VolumeRequest; createSource?: boolean } {
  const type = m.Type ?? '';
  if (!['bind', 'volume', 'tmpfs'].includes(type)) {
    if (type === 'npipe' || type === 'cluster' || type === 'image') throw new InvalidArgumentError(`mount type ${type} is not supported here`);
    throw new InvalidArgumentError(`invalid mount config: mount type unknown: "${type}"`);
  }
  if (!m.Target) throw invalid(type, 'field Target must not be empty');
  if (!posix.isAbsolute(m.Target)) throw invalid(type, `invalid mount path: '${m.Target}' mount path must be absolute`);
  const destination = cleanDest(m.Target);
  if (destination === '/') throw invalid(type, `invalid specification: destination can't be '/'`);
  const rw = !m.ReadOnly;
  if (type === 'bind') {
    if (m.VolumeOptions) throw invalid(type, 'field VolumeOptions must not be specified');
    if (m.TmpfsOptions) throw invalid(type, 'field TmpfsOptions must not be specified');
    if (!m.Source) throw invalid(type, 'field Source must not be empty');
    if (!posix.isAbsolute(m.Source)) throw invalid(type, `invalid mount path: '${m.Source}' mount path must be absolute`);
    const create = Boolean(m.BindOptions?.CreateMountpoint);
    if (!create && !existsSync(m.Source)) throw invalid(type, `bind source path does not exist: ${m.Source}`);
    return {
      mount: {
        type: 'bind', source: cleanDest(m.Source), destination, rw, mode: '', propagation: m.BindOptions?.Propagation || 'rprivate',
        ...(m.BindOptions?.NonRecursive ? { nonRecursive: true } : {}),
      },
      ...(create ? { createSource: true } : {}),
    };
  }
  if (type === 'volume') {
    if (m.BindOptions) throw invalid(type, 'field BindOptions must not be specified');
    if (m.TmpfsOptions) throw invalid(type, 'field TmpfsOptions must not be specified');
    const source = m.Source ?? '';
    if (source !== '') validateVolumeName(source);
    const vo = m.VolumeOptions ?? {};
    if (vo.Subpath && (posix.isAbsolute(vo.Subpath) || posix.normalize(vo.Subpath).startsWith('..'))) {
      throw invalid(type, `subpath must be a relative path within the volume`);
    }
    const volume: VolumeRequest = {
      ...(vo.Labels ? { labels: vo.Labels } : {}),
      ...(vo.DriverConfig?.Name ? { driver: vo.DriverConfig.Name } : {}),
      ...(vo.DriverConfig?.Options ? { options: vo.DriverConfig.Options } : {}),
    };
    return {
      mount: {
        type: 'volume', source, destination, rw, mode: source === '' ? '' : 'z', propagation: '', copyData: !vo.NoCopy,
        ...(source === '' ? { anonymous: true } : {}),
        ...(vo.Subpath ? { subpath: posix.normalize(vo.Subpath) } : {}),
      },
      volume,
    };
  }
  if (m.Source) throw invalid(type, 'field Source must not be specified');
  if (m.BindOptions) throw invalid(type, 'field BindOptions must not be specified');
  if (m.VolumeOptions) throw invalid(type, 'field VolumeOptions must not be specified');
  const to = m.TmpfsOptions ?? {};
  const options: string[] = [];
  if (to.SizeBytes) {
    if (to.SizeBytes < 0) throw invalid(type, 'invalid tmpfs size');
    options.push(`size=${to.SizeBytes}`);
  }
  if (to.Mode) options.push(`mode=${(to.Mode & 0o7777).toString(8)}`);
  for (const o of to.Options ?? []) options.push(o.length > 1 ? `${o[0]}=${o[1]}` : String(o[0]));
  return { mount: { type: 'tmpfs', source: '', destination, rw, mode: '', propagation: '', tmpfsOptions: options } };
}
