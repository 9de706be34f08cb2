// Turns a profile in docker's format into the OCI seccomp section for one container: the native
// architecture's entry of archMap, and only the rules whose includes/excludes (capabilities held,
// architecture, kernel version) select them.
import { InvalidArgumentError } from '../../errors.js';
import type { LinuxSeccomp, LinuxSyscall } from '../spec/runtime-spec.js';
import type { SeccompFilter, SeccompProfile } from './docker-profile.js';

export interface SeccompTarget {
  /** The container's capabilities (CAP_ form): its bounding set. */
  capabilities: readonly string[];
  /** Go architecture name of the machine: amd64, arm64, … */
  arch: string;
  /** Kernel release, e.g. 6.1.0-18-amd64 (only major.minor is compared). */
  kernel: string;
}

const SECCOMP_ARCH_OF: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64',
  '386': 'SCMP_ARCH_X86',
  arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
};

/** Node's process.arch → Go's GOARCH names used by profiles. */
export function goArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}

function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string): [number, number] => {
    const m = /^(\d+)\.(\d+)/.exec(v);
    if (m === null) throw new InvalidArgumentError(`invalid kernel version: ${v}`);
    return [Number(m[1]), Number(m[2])];
  };
  const [a, b] = parse(kernel);
  const [c, d] = parse(min);
  return a > c || (a === c && b >= d);
}

function selected(includes: SeccompFilter | null | undefined, excludes: SeccompFilter | null | undefined, t: SeccompTarget): boolean {
  if (includes) {
    if (includes.arches && includes.arches.length > 0 && !includes.arches.includes(t.arch)) return false;
    if (includes.caps && includes.caps.some((c) => !t.capabilities.includes(c))) return false;
    if (includes.minKernel && !kernelAtLeast(t.kernel, includes.minKernel)) return false;
  }
  if (excludes) {
    if (excludes.arches && excludes.arches.includes(t.arch)) return false;
    if (excludes.caps && excludes.caps.some((c) => t.capabilities.includes(c))) return false;
    if (excludes.minKernel && kernelAtLeast(t.kernel, excludes.minKernel)) return false;
  }
  return true;
}

/** Parses a profile given as JSON text, with docker's message on failure. */
export function parseSeccompProfile(text: string): SeccompProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError('Decoding seccomp profile failed: not a JSON object');
  }
  return value as SeccompProfile;
}

export function seccompProfileToOci(profile: SeccompProfile, target: SeccompTarget): LinuxSeccomp {
  if (typeof profile.defaultAction !== 'string' || (profile.defaultAction as string) === '') {
    throw new InvalidArgumentError('seccomp profile has no defaultAction');
  }
  const archMap = profile.archMap ?? [];
  const arches = profile.architectures ?? [];
  if (arches.length > 0 && archMap.length > 0) {
    throw new InvalidArgumentError(
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  }
  const out: LinuxSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet != null) out.defaultErrnoRet = profile.defaultErrnoRet;
  if (arches.length > 0) out.architectures = [...arches];
  const native = SECCOMP_ARCH_OF[target.arch];
  for (const entry of archMap) {
    if (entry.architecture === native) out.architectures = [entry.architecture, ...(entry.subArchitectures ?? [])];
  }
  if (profile.flags && profile.flags.length > 0) out.flags = [...profile.flags];
  if (profile.listenerPath) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) out.listenerMetadata = profile.listenerMetadata;

  const syscalls: LinuxSyscall[] = [];
  for (const call of profile.syscalls ?? []) {
    if (call.name && call.names && call.names.length > 0) {
      throw new InvalidArgumentError("use either 'name' or 'names' in the seccomp profile, not both");
    }
    if (!selected(call.includes, call.excludes, target)) continue;
    const names = call.name ? [call.name] : [...(call.names ?? [])];
    if (names.length === 0) continue;
    const rule: LinuxSyscall = { names, action: call.action };
    if (call.errnoRet != null) rule.errnoRet = call.errnoRet;
    if (call.args && call.args.length > 0) {
      rule.args = call.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo ?? 0, op: a.op }));
    }
    syscalls.push(rule);
  }
  out.syscalls = syscalls;
  return out;
}
