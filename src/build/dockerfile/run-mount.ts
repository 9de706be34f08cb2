// `RUN --mount=type=cache,target=/root/.cache,id=x,sharing=locked` and friends: a CSV list of
// key=value options, validated like BuildKit does. Values are expanded with the stage's
// variables before the strict parse; the parser keeps a lenient reading for the build graph.
import { InstructionSyntaxError } from './argument-forms.js';
import { suggest } from './suggest.js';
import { ramInBytes } from '../../units/ram-in-bytes.js';

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface RunMount {
  type: MountType;
  /** Stage name or image to mount from (bind/cache). */
  from?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  /** tmpfs size in bytes. */
  sizeLimit?: number;
  /** Cache id, secret id or ssh id. */
  id?: string;
  sharing?: CacheSharing;
  required: boolean;
  /** Secret exposed as this environment variable. */
  env?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

const MOUNT_TYPES: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING: readonly CacheSharing[] = ['shared', 'private', 'locked'];
const ALL_KEYS = [
  'type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid',
  'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env',
];

/** One CSV record (RFC 4180 quoting, as Go's encoding/csv reads it). */
export function splitCSV(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new InstructionSyntaxError('failed to parse csv mounts: extraneous or missing " in quoted-field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new InstructionSyntaxError('failed to parse csv mounts: extraneous or missing " in quoted-field');
    } else {
      const comma = line.indexOf(',', i);
      field = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (field.includes('"')) throw new InstructionSyntaxError('failed to parse csv mounts: bare " in non-quoted-field');
      i = comma === -1 ? line.length : comma;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function parseBool(key: string, value: string): boolean {
  // strconv.ParseBool
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new InstructionSyntaxError(`invalid value for ${key}: ${value}`);
}

function parseUint(value: string, radix: 8 | 10, what: string): number {
  const re = radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  const n = re.test(value) ? Number.parseInt(value, radix) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new InstructionSyntaxError(`invalid value ${value} for ${what}`);
  return n;
}

/** docker's RAMInBytes: "64m", "1g", "512k", "100" (bytes), binary multiples. */
export function parseRAMSize(value: string): number {
  const n = ramInBytes(value);
  if (n === undefined) throw new InstructionSyntaxError(`invalid value for size: ${value}`);
  return n;
}

/**
 * Parses one `--mount` value. With `strict` false (before expansion) bad fields are skipped and
 * cross-field checks left for later; only `from=$VAR` is refused, as BuildKit does.
 */
export function parseRunMount(spec: string, strict: boolean): RunMount {
  let fields: string[];
  try {
    fields = splitCSV(spec);
  } catch (err) {
    if (strict) throw err;
    fields = spec.split(',');
  }
  return parseRunMountFields(fields, strict);
}

/** parseRunMount on fields already split (and, for the strict parse, expanded). */
export function parseRunMountFields(fields: readonly string[], strict: boolean): RunMount {
  const m: RunMount = { type: 'bind', readOnly: true, required: false };
  let roAuto = true;
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : field.slice(eq + 1);
    try {
      if (key === 'from' && !strict) {
        const dollar = value.indexOf('$');
        if (dollar !== -1 && dollar !== value.length - 1) {
          throw new InstructionSyntaxError(`'${key}' doesn't support variable expansion, define alias stage instead`);
        }
      }
      if (eq === -1) {
        switch (key) {
          case 'readonly':
          case 'ro':
            m.readOnly = true;
            roAuto = false;
            continue;
          case 'readwrite':
          case 'rw':
            m.readOnly = false;
            roAuto = false;
            continue;
          case 'required':
            if (m.type === 'secret' || m.type === 'ssh') {
              m.required = true;
              continue;
            }
            throw new InstructionSyntaxError(`unexpected key '${key}' for mount type '${m.type}'`);
          default:
            throw new InstructionSyntaxError(`invalid field '${field}' must be a key=value pair`);
        }
      }
      applyField(m, key, value, field);
      if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) roAuto = false;
    } catch (err) {
      if (strict || (key === 'from' && err instanceof InstructionSyntaxError && err.message.includes('variable expansion'))) throw err;
    }
  }

  if (strict) validate(m);
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  return m;
}

function applyField(m: RunMount, key: string, value: string, field: string): void {
  switch (key) {
    case 'type': {
      const t = value.toLowerCase() as MountType;
      if (!MOUNT_TYPES.includes(t)) throw new InstructionSyntaxError(suggest(`unsupported mount type ${JSON.stringify(value)}`, value, MOUNT_TYPES, true));
      m.type = t;
      return;
    }
    case 'from':
      m.from = value;
      return;
    case 'source':
    case 'src':
      m.source = value;
      return;
    case 'target':
    case 'dst':
    case 'destination':
      m.target = value;
      return;
    case 'readonly':
    case 'ro':
      m.readOnly = parseBool(key, value);
      return;
    case 'readwrite':
    case 'rw':
      m.readOnly = !parseBool(key, value);
      return;
    case 'required':
      if (m.type !== 'secret' && m.type !== 'ssh') throw new InstructionSyntaxError(`unexpected key '${key}' for mount type '${m.type}'`);
      m.required = parseBool(key, value);
      return;
    case 'size':
      if (m.type !== 'tmpfs') throw new InstructionSyntaxError(`unexpected key '${key}' for mount type '${m.type}'`);
      m.sizeLimit = parseRAMSize(value);
      return;
    case 'id':
      m.id = value;
      return;
    case 'sharing': {
      const s = value.toLowerCase() as CacheSharing;
      if (!SHARING.includes(s)) throw new InstructionSyntaxError(suggest(`unsupported sharing value ${JSON.stringify(value)}`, value, SHARING, true));
      m.sharing = s;
      return;
    }
    case 'mode':
      m.mode = parseUint(value, 8, 'mode');
      return;
    case 'uid':
      m.uid = parseUint(value, 10, 'uid');
      return;
    case 'gid':
      m.gid = parseUint(value, 10, 'gid');
      return;
    case 'env':
      m.env = value;
      return;
    default:
      throw new InstructionSyntaxError(suggest(`unexpected key '${key}' in '${field}'`, key, ALL_KEYS, true));
  }
}

function validate(m: RunMount): void {
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const k of ['mode', 'uid', 'gid'] as const) {
      if (m[k] !== undefined) throw new InstructionSyntaxError(`${k} not allowed for ${JSON.stringify(m.type)} type mounts`);
    }
  }
  if (m.type === 'secret') {
    if (m.from !== undefined && m.from !== '') throw new InstructionSyntaxError('secret mount should not have a from');
    if (m.sharing) throw new InstructionSyntaxError('secret mount should not define sharing');
    if (!m.source && !m.target && !m.id) throw new InstructionSyntaxError('invalid secret mount. one of source, target required');
    if (m.source && m.id) throw new InstructionSyntaxError("both source and id can't be set");
  }
  if (m.sharing && m.type !== 'cache') throw new InstructionSyntaxError(`invalid cache sharing set for ${m.type} mount`);
}
