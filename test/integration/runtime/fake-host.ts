// A fixed host for pure generator tests: the capability set of this machine's kind (no
// CAP_SYS_RESOURCE), a hard nofile limit of 20000, cgroup v1 with swap accounting.
import type { HostInfo } from '../../../src/runtime/spec/host-info.js';
import { RLIM_INFINITY } from '../../../src/runtime/spec/host-info.js';

export function fakeHost(over: Partial<HostInfo> = {}): HostInfo {
  return {
    capBounding: 0x1fffeffffffn,
    rlimitHard: { RLIMIT_NOFILE: 20000n, RLIMIT_NPROC: 96365n, RLIMIT_CORE: RLIM_INFINITY, RLIMIT_STACK: RLIM_INFINITY },
    cgroupV2: false,
    cgroup: {
      memory: true, swapLimit: true, cpuShares: true, cpuCfs: true, cpuRealtime: true, cpuset: true, pids: true,
      blkioWeight: false, blkioWeightDevice: false, blkioThrottle: true,
    },
    cpus: [0, 1],
    mems: [0],
    kernel: '6.1.0-18-amd64',
    arch: 'amd64',
    hostname: 'testhost',
    ...over,
  };
}
