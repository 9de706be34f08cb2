// The os/arch pairs `manifest annotate` accepts (docker's list: Go's first-class ports and a few more).
const VALID: Readonly<Record<string, readonly string[]>> = {
  darwin: ['386', 'amd64', 'arm', 'arm64'],
  dragonfly: ['amd64'],
  freebsd: ['386', 'amd64', 'arm'],
  linux: ['386', 'amd64', 'arm', 'arm64', 'ppc64le', 'mips64', 'mips64le', 'riscv64', 's390x'],
  netbsd: ['386', 'amd64', 'arm'],
  openbsd: ['386', 'amd64', 'arm'],
  plan9: ['386', 'amd64'],
  solaris: ['amd64'],
  windows: ['386', 'amd64', 'arm', 'arm64'],
};

export function isValidOsArch(os: string, arch: string): boolean {
  return VALID[os]?.includes(arch) ?? false;
}
