import type { Platform } from './image-spec.js';

/** The platform of this host in OCI terms (Node's names differ for a few architectures). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const p: Platform = { os: process.platform === 'win32' ? 'windows' : process.platform, architecture: arch[process.arch] ?? process.arch };
  if (process.arch === 'arm64') p.variant = 'v8';
  return p;
}

/** Parses `os/arch[/variant]` as in `--platform linux/arm64/v8`. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.toLowerCase().split('/');
  if (!os || !architecture) {
    const host = hostPlatform();
    // docker accepts a bare architecture or os; fill in the rest from the host.
    if (os && ['linux', 'windows', 'darwin'].includes(os)) return { ...host, os };
    return { ...host, architecture: os ?? host.architecture, variant: undefined };
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Whether `candidate` can run where `want` is asked for (variant only checked when both give one). */
export function platformMatches(want: Platform, candidate: Platform | undefined): boolean {
  if (!candidate) return false;
  if (candidate.os !== want.os || candidate.architecture !== want.architecture) return false;
  if (want.variant && candidate.variant && want.variant !== candidate.variant) return false;
  return true;
}
