// Docker's seccomp profile format (what `--security-opt seccomp=<file>` takes): like the OCI
// seccomp section, plus archMap and per-rule includes/excludes by capability, arch and kernel.
import type { SeccompAction, SeccompOperator } from '../spec/runtime-spec.js';

export interface SeccompArchMapEntry {
  architecture: string;
  subArchitectures?: string[] | null;
}

export interface SeccompFilter {
  /** Capabilities (CAP_ form) that must all be present / none of which may be. */
  caps?: string[] | null;
  /** Go architecture names (amd64, 386, x32, arm64, …). */
  arches?: string[] | null;
  /** Kernel version (major.minor) at least / below. */
  minKernel?: string | null;
}

export interface SeccompProfileArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface SeccompProfileSyscall {
  name?: string;
  names?: string[] | null;
  action: SeccompAction;
  errnoRet?: number | null;
  args?: SeccompProfileArg[] | null;
  comment?: string;
  includes?: SeccompFilter | null;
  excludes?: SeccompFilter | null;
}

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number | null;
  architectures?: string[] | null;
  archMap?: SeccompArchMapEntry[] | null;
  listenerPath?: string;
  listenerMetadata?: string;
  flags?: string[] | null;
  syscalls?: SeccompProfileSyscall[] | null;
}
