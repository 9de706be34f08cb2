// Linux capabilities as docker handles them: the default set, --cap-add/--cap-drop (names with or
// without CAP_, any case, ALL), --privileged = every capability, and never one the host's bounding
// set lacks (runc fails to start a container asking for a capability it cannot hold).
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

/** Capability names by number, as in linux/capability.h. */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default set, in docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Parses a capability mask as /proc/<pid>/status prints it (CapBnd: 000001fffeffffff). */
export function parseCapabilityMask(hex: string): bigint {
  return BigInt(`0x${hex.trim()}`);
}

/** The calling process's bounding set, read from /proc/self/status. */
export function readHostBoundingSet(statusPath = '/proc/self/status'): bigint {
  const line = readFileSync(statusPath, 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
  if (line === undefined) throw new Error(`no CapBnd line in ${statusPath}`);
  return parseCapabilityMask(line.slice('CapBnd:'.length));
}

/** The names of the capabilities set in a mask, in number order (unknown bits are left out). */
export function capabilityNames(mask: bigint): string[] {
  return CAPABILITIES.filter((_name, bit) => (mask >> BigInt(bit)) & 1n);
}

/** The mask of a list of names (CAP_ form). */
export function capabilityMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const name of names) {
    const bit = CAPABILITIES.indexOf(name);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** `net_admin`, `CAP_NET_ADMIN`, `Net_Admin` → `CAP_NET_ADMIN`; `all` → `ALL`; unknown → docker's error. */
export function normalizeCapability(name: string): string {
  let upper = name.toUpperCase();
  if (upper === 'ALL') return upper;
  if (!upper.startsWith('CAP_')) upper = `CAP_${upper}`;
  if (!CAPABILITIES.includes(upper)) throw new InvalidArgumentError(`unknown capability: "${upper}"`);
  return upper;
}

export interface CapabilityRequest {
  capAdd?: readonly string[] | null;
  capDrop?: readonly string[] | null;
  privileged?: boolean;
  /** The host's bounding set; capabilities outside it are never granted. */
  hostBounding: bigint;
}

export interface CapabilitySet {
  capabilities: string[];
  warnings: string[];
}

/** The container's capabilities, docker's rules applied, limited to what the host can give. */
export function resolveCapabilities(req: CapabilityRequest): CapabilitySet {
  const hostHas = (c: string): boolean => {
    const bit = CAPABILITIES.indexOf(c);
    return bit >= 0 && ((req.hostBounding >> BigInt(bit)) & 1n) === 1n;
  };
  const all = CAPABILITIES.filter(hostHas);
  if (req.privileged) return { capabilities: all, warnings: [] };
  const adds = (req.capAdd ?? []).map(normalizeCapability);
  const drops = (req.capDrop ?? []).map(normalizeCapability);
  let wanted: string[];
  if (adds.includes('ALL')) {
    wanted = CAPABILITIES.filter((c) => !drops.includes(c));
  } else if (drops.includes('ALL')) {
    wanted = adds;
  } else {
    wanted = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  }
  const warnings: string[] = [];
  const result: string[] = [];
  for (const c of wanted) {
    if (result.includes(c)) continue;
    if (!hostHas(c)) {
      // Only warn for what was asked by name; ALL quietly means "all the host has".
      if (adds.includes(c)) warnings.push(`capability ${c} is not available on this host and was not added`);
      continue;
    }
    result.push(c);
  }
  return { capabilities: result, warnings };
}
