// --sysctl: only settings that live in a namespace the container has of its own, with the
// messages runc gives docker for the others.
import { InvalidArgumentError } from '../../errors.js';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax',
  'kernel.shmmni', 'kernel.shm_rmid_forced',
]);

export interface SysctlNamespaces {
  privateIpc: boolean;
  privateNet: boolean;
  privateUts: boolean;
}

export function validateSysctls(sysctls: Record<string, string> | null | undefined, ns: SysctlNamespaces): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(sysctls ?? {})) {
    // Both spellings name the same file under /proc/sys.
    const name = key.replaceAll('/', '.');
    if (IPC_SYSCTLS.has(name) || name.startsWith('fs.mqueue.')) {
      if (!ns.privateIpc) throw new InvalidArgumentError(`sysctl "${key}" is not allowed in the hosts ipc namespace`);
    } else if (name.startsWith('net.')) {
      if (!ns.privateNet) throw new InvalidArgumentError(`sysctl "${key}" not allowed in host network namespace`);
    } else if (ns.privateUts && name === 'kernel.domainname') {
      // Namespaced, and the spec has no field of its own for it.
    } else if (ns.privateUts && name === 'kernel.hostname') {
      throw new InvalidArgumentError(`sysctl "${key}" is not allowed as it conflicts with the OCI "hostname" field`);
    } else {
      throw new InvalidArgumentError(`sysctl "${key}" is not in a separate kernel namespace`);
    }
    out[key] = String(value);
  }
  return out;
}
