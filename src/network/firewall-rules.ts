// berth's iptables rules for its bridge networks: isolation between networks, forwarding, outbound
// NAT and DNS access, kept in a few chains of berth's own. The whole set is regenerated from the
// network list and loaded with one `iptables-restore --noflush` (declaring a chain flushes it), so a
// change is one exec and atomic, and rules of removed networks cannot linger.
//
// IPv6: the same rules for dual-stack networks, loaded by ip6tables into chains of the same names
// (berth's DNS server listens on the IPv4 gateway only, so there is no v6 INPUT rule).
//
// Per network, once, not per container: the CNI bridge plugin's per-container `ipMasq` costs two
// dozen iptables calls per ADD/DEL; one MASQUERADE rule for the subnet does the same work.
import { writeFile } from 'node:fs/promises';
import { type ExecProgramError, execProgram } from '../sys/exec-program.js';

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  masquerade: boolean;
  /** Inter-container communication on the same bridge. */
  icc: boolean;
  /** berthd's DNS server listens on the gateway address. */
  dns: boolean;
  /** A dual-stack network's IPv6 subnet. */
  subnet6?: string;
}

export type IpFamily = 4 | 6;

const TOOLS = { 4: { cmd: 'iptables', restore: 'iptables-restore' }, 6: { cmd: 'ip6tables', restore: 'ip6tables-restore' } } as const;

/** The networks as the rules of one family see them: for IPv6, the dual-stack ones by their v6 subnet. */
export function networksOfFamily(networks: FirewallNetwork[], family: IpFamily): FirewallNetwork[] {
  if (family === 4) return networks;
  return networks.flatMap((n) => (n.subnet6 ? [{ ...n, subnet: n.subnet6, dns: false }] : []));
}

export interface ChainNames {
  forward: string;
  input: string;
  postrouting: string;
}

export function chainNames(prefix: string): ChainNames {
  return { forward: `${prefix}-FORWARD`, input: `${prefix}-INPUT`, postrouting: `${prefix}-POSTROUTING` };
}

/** The iptables-restore text that replaces the contents of berth's chains. */
export function renderRules(prefix: string, networks: FirewallNetwork[]): string {
  const c = chainNames(prefix);
  const filter: string[] = [];
  const accept: string[] = [];
  const input: string[] = [];
  const nat: string[] = [];
  for (const n of networks) {
    const b = n.bridge;
    for (const other of networks) {
      if (other.bridge !== b) filter.push(`-A ${c.forward} -i ${b} -o ${other.bridge} -j DROP`);
    }
    if (n.internal) {
      filter.push(`-A ${c.forward} -i ${b} ! -o ${b} -j DROP`, `-A ${c.forward} -o ${b} ! -i ${b} -j DROP`);
    }
    if (!n.icc) filter.push(`-A ${c.forward} -i ${b} -o ${b} -j DROP`);
    accept.push(
      `-A ${c.forward} -o ${b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A ${c.forward} -i ${b} -j ACCEPT`,
      // Nothing from outside is routed straight to container addresses: published ports go through
      // a local socket (see port-proxy.ts), so the host's INPUT rules see them.
      `-A ${c.forward} -o ${b} -j DROP`,
    );
    if (n.dns) {
      for (const proto of ['udp', 'tcp']) {
        input.push(`-A ${c.input} -i ${b} -d ${n.gateway}/32 -p ${proto} --dport 53 -j ACCEPT`);
      }
    }
    if (n.masquerade && !n.internal) nat.push(`-A ${c.postrouting} -s ${n.subnet} ! -o ${b} -j MASQUERADE`);
  }
  return [
    '*filter',
    `:${c.forward} - [0:0]`,
    `:${c.input} - [0:0]`,
    ...filter,
    ...accept,
    ...input,
    'COMMIT',
    '*nat',
    `:${c.postrouting} - [0:0]`,
    ...nat,
    'COMMIT',
    '',
  ].join('\n');
}

const JUMPS = (c: ChainNames): [table: string, chain: string, target: string][] => [
  ['filter', 'FORWARD', c.forward],
  ['filter', 'INPUT', c.input],
  ['nat', 'POSTROUTING', c.postrouting],
];

/**
 * Loads the rules of both families and makes sure the built-in chains jump to berth's chains first.
 * Without a dual-stack network the IPv6 chains are not made (and are removed if a last one went).
 */
export async function applyRules(prefix: string, networks: FirewallNetwork[]): Promise<void> {
  await applyFamily(prefix, networks, 4);
  const v6 = networksOfFamily(networks, 6);
  if (v6.length > 0) await applyFamily(prefix, networks, 6);
  else if (await chainExists(6, 'filter', chainNames(prefix).forward)) await removeFamily(prefix, 6);
}

async function applyFamily(prefix: string, networks: FirewallNetwork[], family: IpFamily): Promise<void> {
  const own = networksOfFamily(networks, family);
  await restore(family, renderRules(prefix, own));
  for (const [table, chain, target] of JUMPS(chainNames(prefix))) {
    if (!(await chainJumps(family, table, chain, target))) {
      await execProgram(TOOLS[family].cmd, ['-w', '-t', table, '-I', chain, '1', '-j', target]);
    }
  }
  if (own.some((n) => !n.internal)) {
    await writeFile(family === 4 ? '/proc/sys/net/ipv4/ip_forward' : '/proc/sys/net/ipv6/conf/all/forwarding', '1');
  }
}

/** Removes berth's chains and the jumps to them, both families (daemon teardown, tests). Idempotent. */
export async function removeRules(prefix: string): Promise<void> {
  await removeFamily(prefix, 4);
  await removeFamily(prefix, 6);
}

async function removeFamily(prefix: string, family: IpFamily): Promise<void> {
  const cmd = TOOLS[family].cmd;
  for (const [table, chain, target] of JUMPS(chainNames(prefix))) {
    for (;;) {
      try {
        await execProgram(cmd, ['-w', '-t', table, '-D', chain, '-j', target]);
      } catch {
        break;
      }
    }
    await execProgram(cmd, ['-w', '-t', table, '-F', target]).catch(() => undefined);
    await execProgram(cmd, ['-w', '-t', table, '-X', target]).catch(() => undefined);
  }
}

/** Every rule line of berth's chains, IPv4's then IPv6's (diagnostics and leak checks). */
export async function listRules(prefix: string): Promise<string[]> {
  const c = chainNames(prefix);
  const out: string[] = [];
  for (const family of [4, 6] as const) {
    for (const [table, chain] of [['filter', c.forward], ['filter', c.input], ['nat', c.postrouting]] as const) {
      try {
        const { stdout } = await execProgram(TOOLS[family].cmd, ['-w', '-t', table, '-S', chain]);
        out.push(...stdout.split('\n').filter((l) => l.startsWith('-A ')));
      } catch {
        // chain absent
      }
    }
  }
  return out;
}

async function chainJumps(family: IpFamily, table: string, chain: string, target: string): Promise<boolean> {
  try {
    await execProgram(TOOLS[family].cmd, ['-w', '-t', table, '-C', chain, '-j', target]);
    return true;
  } catch {
    return false;
  }
}

async function chainExists(family: IpFamily, table: string, chain: string): Promise<boolean> {
  try {
    await execProgram(TOOLS[family].cmd, ['-w', '-t', table, '-S', chain]);
    return true;
  } catch {
    return false;
  }
}

async function restore(family: IpFamily, text: string): Promise<void> {
  const tool = TOOLS[family].restore;
  await execProgram(tool, ['-w', '--noflush'], { input: text }).catch((err: ExecProgramError) => {
    throw new Error(`${tool} failed: ${err.stderr.trim() || err.message}`);
  });
}
