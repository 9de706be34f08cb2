// The logging drivers berth serves, under docker's names: json-file (docker's default), local and
// none. Underneath, conmon always writes its k8s-file log (attach follows it, so `none` keeps it
// too); the driver decides what clients see — HostConfig.LogConfig, whether `logs` can read — and
// how large the file may grow. conmon truncates the file when it reaches its limit instead of
// rotating, so `max-size` × `max-file` bounds it: the same disk use as docker's rotated files,
// though after a truncation less history is kept than docker keeps.
import { BerthError, InvalidArgumentError, NotImplementedError } from '../errors.js';
import { ramInBytes } from '../units/ram-in-bytes.js';

export const DEFAULT_LOG_DRIVER = 'json-file';

export interface LogConfig {
  Type?: string;
  Config?: Record<string, string>;
}

/** Options each driver takes (docker's lists); `mode` and `max-buffer-size` are every driver's. */
const DRIVER_OPTIONS: Record<string, readonly string[] | undefined> = {
  'json-file': ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  local: ['max-file', 'max-size', 'compress'],
  none: undefined, // takes anything, as docker's
};
const COMMON_OPTIONS = ['mode', 'max-buffer-size'];
const LOCAL_DEFAULT_MAX_SIZE = 20 * 1024 * 1024;
const LOCAL_DEFAULT_MAX_FILE = 5;

/** The driver a record's LogConfig names (records from before drivers were served said `k8s-file`). */
export function logDriverOf(lc: LogConfig | undefined): string {
  const t = lc?.Type;
  return !t || t === 'k8s-file' ? DEFAULT_LOG_DRIVER : t;
}

/** At create: the default driver filled in, the driver and its option names checked (docker's errors). */
export function settleLogConfig(lc: LogConfig | undefined): LogConfig {
  const type = logDriverOf(lc);
  const config = { ...(lc?.Config ?? {}) };
  if (!(type in DRIVER_OPTIONS)) throw new InvalidArgumentError(`error looking up logging plugin ${type}: plugin "${type}" not found`);
  const mode = config.mode;
  if (mode !== undefined && mode !== '' && mode !== 'blocking' && mode !== 'non-blocking') {
    throw new InvalidArgumentError(`logger: logging mode not supported: ${mode}`);
  }
  const known = DRIVER_OPTIONS[type];
  if (known) {
    for (const key of Object.keys(config)) {
      if (known.includes(key) || COMMON_OPTIONS.includes(key)) continue;
      throw new InvalidArgumentError(type === 'local' ? `unknown log opt '${key}' for log driver local` : `unknown log opt '${key}' for ${type} log driver`);
    }
  }
  return { Type: type, Config: config };
}

/**
 * At start: the most bytes the log may hold (0: no limit). Option values are read here, as docker's
 * drivers read them when they start, and a bad one fails the start with docker's message.
 */
export function logSizeLimit(lc: LogConfig | undefined): number {
  const type = logDriverOf(lc);
  const o = lc?.Config ?? {};
  const fail = (why: string): never => {
    throw new BerthError(`failed to initialize logging driver: ${why}`);
  };
  if (type === 'local') {
    const value = <T>(key: string, parse: (s: string) => T, dflt: T): T => {
      if (o[key] === undefined) return dflt;
      try {
        return parse(o[key]!);
      } catch (err) {
        return fail(`invalid value for ${key}: ${o[key]}: ${(err as Error).message}`);
      }
    };
    const maxSize = value('max-size', parseGoSize, LOCAL_DEFAULT_MAX_SIZE);
    const maxFile = value('max-file', parseGoInt, LOCAL_DEFAULT_MAX_FILE);
    const compress = value('compress', parseGoBool, true);
    if (compress && maxFile <= 1) fail('compression cannot be enabled when max file count is 1');
    if (maxFile < 1) fail('max-file cannot be less than 1');
    return maxSize > 0 ? maxSize * maxFile : 0;
  }
  if (type !== 'json-file') return 0;
  const attempt = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      return fail((err as Error).message);
    }
  };
  const maxSize = o['max-size'] !== undefined ? attempt(() => parseGoSize(o['max-size']!)) : -1;
  const maxFile = o['max-file'] !== undefined ? attempt(() => parseGoInt(o['max-file']!)) : 1;
  if (maxFile < 1) fail('max-file cannot be less than 1');
  if (o.compress !== undefined) attempt(() => parseGoBool(o.compress!));
  return maxSize > 0 ? maxSize * maxFile : 0;
}

/** `docker logs` of a container whose driver keeps nothing to read: docker's 501. */
export function checkLogsReadable(lc: LogConfig | undefined): void {
  if (logDriverOf(lc) === 'none') throw new NotImplementedError('configured logging driver does not support reading');
}

/** docker's human sizes (`10m`, `1.5GiB`, `512k`): binary multiples, as its units.RAMInBytes reads them. */
export function parseGoSize(s: string): number {
  const n = ramInBytes(s);
  if (n === undefined) throw new Error(`invalid size: '${s}'`);
  return n;
}

function parseGoInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}
