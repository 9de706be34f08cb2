// --ulimit → process.rlimits. Values above the host's hard limit are lowered to it (with a
// warning): without CAP_SYS_RESOURCE runc could not set them and the container would not start.
// RLIMIT_NOFILE defaults to docker's 1048576, or the host's hard limit when that is lower.
import { InvalidArgumentError } from '../../errors.js';
import type { POSIXRlimit } from './runtime-spec.js';
import type { UlimitSetting } from './spec-input.js';
import { RLIM_INFINITY } from './host-info.js';

export const DEFAULT_NOFILE = 1048576n;

const ULIMIT_NAMES = new Set([
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss',
  'rtprio', 'rttime', 'sigpending', 'stack',
]);

function toLimit(v: number): bigint {
  return v < 0 ? RLIM_INFINITY : BigInt(Math.trunc(v));
}

/** A bigint as the spec wants it: a number when it fits exactly. */
function out(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function resolveRlimits(
  ulimits: readonly UlimitSetting[] | null | undefined,
  hostHard: Record<string, bigint>,
): { rlimits: POSIXRlimit[]; warnings: string[] } {
  const warnings: string[] = [];
  const byType = new Map<string, { soft: bigint; hard: bigint }>();
  for (const u of ulimits ?? []) {
    const name = String(u.Name).toLowerCase();
    if (!ULIMIT_NAMES.has(name)) throw new InvalidArgumentError(`invalid ulimit type: ${u.Name}`);
    const soft = toLimit(u.Soft);
    const hard = toLimit(u.Hard);
    if (soft > hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    byType.set(`RLIMIT_${name.toUpperCase()}`, { soft, hard });
  }
  if (!byType.has('RLIMIT_NOFILE')) byType.set('RLIMIT_NOFILE', { soft: DEFAULT_NOFILE, hard: DEFAULT_NOFILE });
  const rlimits: POSIXRlimit[] = [];
  for (const [type, lim] of byType) {
    const max = hostHard[type];
    let { soft, hard } = lim;
    if (max !== undefined && hard > max) {
      const asked = type !== 'RLIMIT_NOFILE' || ulimits?.some((u) => u.Name.toLowerCase() === 'nofile');
      if (asked) warnings.push(`${type} hard limit lowered to the host's ${max === RLIM_INFINITY ? 'unlimited' : max}`);
      hard = max;
      if (soft > hard) soft = hard;
    }
    rlimits.push({ type, hard: out(hard), soft: out(soft) });
  }
  return { rlimits, warnings };
}
