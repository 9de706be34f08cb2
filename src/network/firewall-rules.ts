// berth's iptables rules for its bridge networks: isolation between networks, forwarding, outbound
// NAT and DNS access, kept in a few chains of berth's own. The whole set is regenerated from the
// network list and loaded with one `iptables-restore --noflush` (declaring a chain flushes it), so a
// change is one exec and atomic, and rules of removed networks cannot linger.
//
// Per network, once, not per container: the CNI bridge plugin's per-container `ipMasq` costs two
// dozen iptables calls per ADD/DEL; one MASQUERADE rule for the subnet does the same work.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';

const execFileP = promisify(execFile);

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

/** Loads the rules and makes sure the built-in chains jump to berth's chains first. */
export async function applyRules(prefix: string, networks: FirewallNetwork[]): Promise<void> {
  await iptablesRestore(renderRules(prefix, networks));
  for (const [table, chain, target] of JUMPS(chainNames(prefix))) {
    try {
      await execFileP('iptables', ['-w', '-t', table, '-C', chain, '-j', target]);
    } catch {
      await execFileP('iptables', ['-w', '-t', table, '-I', chain, '1', '-j', target]);
    }
  }
  if (networks.some((n) => !n.internal)) await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
}

/** Removes berth's chains and the jumps to them (daemon teardown, tests). Idempotent. */
export async function removeRules(prefix: string): Promise<void> {
  for (const [table, chain, target] of JUMPS(chainNames(prefix))) {
    for (;;) {
      try {
        await execFileP('iptables', ['-w', '-t', table, '-D', chain, '-j', target]);
      } catch {
        break;
      }
    }
    await execFileP('iptables', ['-w', '-t', table, '-F', target]).catch(() => undefined);
    await execFileP('iptables', ['-w', '-t', table, '-X', target]).catch(() => undefined);
  }
}

/** Every rule line of berth's chains (diagnostics and leak checks). */
export async function listRules(prefix: string): Promise<string[]> {
  const c = chainNames(prefix);
  const out: string[] = [];
  for (const [table, chain] of [['filter', c.forward], ['filter', c.input], ['nat', c.postrouting]] as const) {
    try {
      const { stdout } = await execFileP('iptables', ['-w', '-t', table, '-S', chain]);
      out.push(...stdout.split('\n').filter((l) => l.startsWith('-A ')));
    } catch {
      // chain absent
    }
  }
  return out;
}

function iptablesRestore(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('iptables-restore', ['-w', '--noflush'], (err, _out, stderr) => {
      if (err) reject(new Error(`iptables-restore failed: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end(text);
  });
}
