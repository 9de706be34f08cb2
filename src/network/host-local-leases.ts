// The host-local IPAM plugin's leases on disk: `<dataDir>/<network id>/<ip>` holding the owner
// (the sandbox ID given to CNI) and the interface name, one a line.
import { readFile, readdir, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface Lease {
  network: string;
  ip: string;
  owner: string;
  ifname: string;
}

export async function listLeases(ipamDir: string): Promise<Lease[]> {
  const out: Lease[] = [];
  const nets = await readdir(ipamDir).catch(() => [] as string[]);
  for (const net of nets) {
    const files = await readdir(join(ipamDir, net)).catch(() => [] as string[]);
    for (const f of files) {
      if (isIP(f) === 0) continue;
      const text = await readFile(join(ipamDir, net, f), 'utf8').catch(() => '');
      const [owner = '', ifname = 'eth0'] = text.split(/\r?\n/);
      out.push({ network: net, ip: f, owner: owner.trim(), ifname: ifname.trim() });
    }
  }
  return out;
}

export async function removeLease(ipamDir: string, lease: Lease): Promise<void> {
  await rm(join(ipamDir, lease.network, lease.ip), { force: true });
}

/** Every lease of a network (it is being removed). */
export async function removeNetworkLeases(ipamDir: string, networkId: string): Promise<void> {
  await rm(join(ipamDir, networkId), { recursive: true, force: true });
}
