// The Linux bridge of a network, made when the network is created (not on the first container's
// CNI ADD), so its gateway address exists for the DNS server and the firewall rules from the start.
import { readFile, writeFile } from 'node:fs/promises';
import { type ExecProgramError, execProgram } from '../sys/exec-program.js';

export interface BridgeSpec {
  name: string;
  /** Gateway address with prefix length, e.g. 10.231.1.1/24. */
  address: string;
  /** The IPv6 gateway address with prefix length, on dual-stack networks. */
  address6?: string;
  mtu?: number;
}

export async function bridgeExists(name: string): Promise<boolean> {
  try {
    await execProgram('ip', ['link', 'show', 'dev', name]);
    return true;
  } catch {
    return false;
  }
}

/** Creates the bridge with its address, up; a bridge already there is completed, not recreated. */
export async function ensureBridge(spec: BridgeSpec): Promise<void> {
  if (!(await bridgeExists(spec.name))) {
    await execProgram('ip', ['link', 'add', 'name', spec.name, 'type', 'bridge']);
  }
  const { stdout } = await execProgram('ip', ['-j', 'addr', 'show', 'dev', spec.name]);
  const info = JSON.parse(stdout) as { addr_info?: { family: string; local: string; prefixlen: number }[] }[];
  const has = (addr: string): boolean => (info[0]?.addr_info ?? []).some((a) => `${a.local}/${a.prefixlen}` === addr);
  const cmds: string[] = [];
  if (!has(spec.address)) cmds.push(`addr add ${spec.address} dev ${spec.name}`);
  if (spec.address6) {
    // A fresh bridge may have IPv6 off (a host default); nodad: the gateway answers at once, as docker's.
    await writeFile(`/proc/sys/net/ipv6/conf/${spec.name}/disable_ipv6`, '0').catch(() => undefined);
    if (!has(spec.address6)) cmds.push(`addr add ${spec.address6} dev ${spec.name} nodad`);
  }
  if (spec.mtu) cmds.push(`link set dev ${spec.name} mtu ${spec.mtu}`);
  // A bridge whose address was never set takes the lowest of its ports' MACs, so it changes as
  // containers come and go and every container's ARP entry for the gateway goes stale for seconds
  // (DNS and published traffic time out). Setting it once, as docker does, freezes it.
  const mac = await frozenMacNeeded(spec.name);
  if (mac) cmds.push(`link set dev ${spec.name} address ${mac}`);
  cmds.push(`link set dev ${spec.name} up`);
  await ipBatch(cmds);
}

/** The bridge's current MAC when it is not yet a set one (`addr_assign_type` 3), else undefined. */
async function frozenMacNeeded(name: string): Promise<string | undefined> {
  const sys = `/sys/class/net/${name}`;
  const type = (await readFile(`${sys}/addr_assign_type`, 'utf8').catch(() => '3')).trim();
  if (type === '3') return undefined;
  return (await readFile(`${sys}/address`, 'utf8').catch(() => '')).trim() || undefined;
}

export async function deleteBridge(name: string): Promise<void> {
  await execProgram('ip', ['link', 'del', 'dev', name]).catch(() => undefined);
}

async function ipBatch(cmds: string[]): Promise<void> {
  await execProgram('ip', ['-batch', '-'], { input: cmds.join('\n') + '\n' }).catch((err: ExecProgramError) => {
    throw new Error(`ip: ${err.stderr.trim() || err.message}`);
  });
}

/** Subnets the host already routes or has addresses in (to pick non-clashing ones). */
export async function hostSubnets(family: 4 | 6 = 4): Promise<string[]> {
  const out: string[] = [];
  const { stdout } = await execProgram('ip', ['-j', `-${family}`, 'route', 'show', 'table', 'all']);
  for (const r of JSON.parse(stdout) as { dst: string; type?: string }[]) {
    if (r.dst === 'default' || (r.type && r.type !== 'unicast')) continue;
    // Link-local routes exist on every interface; they never clash with a network's subnet.
    if (family === 6 && r.dst.startsWith('fe80:')) continue;
    out.push(r.dst.includes('/') ? r.dst : `${r.dst}/${family === 4 ? 32 : 128}`);
  }
  const addrs = await execProgram('ip', ['-j', `-${family}`, 'addr', 'show']);
  for (const l of JSON.parse(addrs.stdout) as { addr_info?: { local: string; prefixlen: number }[] }[]) {
    for (const a of l.addr_info ?? []) if (!a.local.startsWith('fe80:')) out.push(`${a.local}/${a.prefixlen}`);
  }
  return out;
}
