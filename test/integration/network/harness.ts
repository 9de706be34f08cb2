// A network service of the test's own: its own bridge names, subnets (10.231.x.0/24), iptables chain
// prefix, run dir and database, all removed again after the test, whatever happened.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { NetworkService, type NetworkServiceOptions } from '../../../src/network/mod.js';
import { umount2Sync, MNT_DETACH } from '../../../src/sys/syscalls.js';

export const execFileP = promisify(execFile);

/** A short unique tag for names (bridges: 15 characters at most). */
export function testTag(n: number): string {
  return `bt${(process.pid % 100000).toString(36)}${n}`;
}

export interface TestNet {
  svc: NetworkService;
  db: Db;
  dir: string;
  tag: string;
  opts: NetworkServiceOptions;
  /** A new service on the same database and run dir (a restarted berthd). */
  reopen(): NetworkService;
  cleanup(): Promise<void>;
}

/** `third` picks the test's subnets: default bridge 10.231.<third>.0/24, user networks from 10.231.<third+1..+3>. */
export async function startTestNet(n: number, third: number, extra: Partial<NetworkServiceOptions> = {}): Promise<TestNet> {
  const tag = testTag(n);
  const upstream = await fakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), `berth-net-${tag}-`));
  const db = openDatabase(join(dir, 'berth.db'));
  const opts: NetworkServiceOptions = {
    db,
    runDir: join(dir, 'run'),
    bridgePrefix: tag,
    defaultBridgeName: `${tag}0`,
    defaultSubnet: `10.231.${third}.0/24`,
    addressPools: [{ base: `10.231.${third + 1}.0/24`, size: 24 }, { base: `10.231.${third + 2}.0/23`, size: 24 }],
    chainPrefix: tag.toUpperCase(),
    spareSandboxes: 1,
    // Names the networks do not know go to a fake resolver on loopback, never off the machine.
    dnsUpstreams: [{ host: '127.0.0.1', port: upstream.address().port }],
    ...extra,
  };
  const svc = new NetworkService(opts);
  const services = [svc];
  await svc.init();
  await svc.reconcile([]);
  return {
    svc,
    db,
    dir,
    tag,
    opts,
    reopen() {
      const s = new NetworkService(opts);
      services.push(s);
      return s;
    },
    async cleanup() {
      for (const s of services.reverse()) await s.destroyAll().catch(() => undefined);
      try {
        umount2Sync(join(dir, 'run', 'netns'), MNT_DETACH);
      } catch {
        // not mounted
      }
      db.close();
      upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a command as a process of a container attached by the service: in its network namespace,
 * with its hosts and resolv.conf bind-mounted over the host's in a private mount namespace.
 */
export function containerArgv(netns: string | undefined, files: { hosts: string; resolvConf: string }, argv: string[]): string[] {
  const inner = [
    `mount --bind ${files.hosts} /etc/hosts`,
    `mount --bind ${files.resolvConf} /etc/resolv.conf`,
    `exec ${netns ? `nsenter --net=${netns} -- ` : ''}"$@"`,
  ].join(' && ');
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', inner, 'sh', ...argv];
}

export async function inContainer(
  netns: string | undefined,
  files: { hosts: string; resolvConf: string },
  argv: string[],
  timeoutMs = 10_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...args] = containerArgv(netns, files, argv);
  try {
    const r = await execFileP(cmd!, args, { timeout: timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A long-running process in a namespace (a server); killed by the returned function. */
export function spawnInNetns(netns: string, argv: string[]): { child: ChildProcess; kill: () => Promise<void> } {
  const child = spawn('nsenter', [`--net=${netns}`, '--', ...argv], { stdio: 'ignore' });
  return {
    child,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** Polls until fn resolves truthy (servers starting up). */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A resolver on loopback that answers NXDOMAIN to everything. */
async function fakeUpstream(): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, r) => {
    try {
      const q = dnsPacket.decode(msg);
      sock.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | 3, questions: q.questions }), r.port, r.address);
    } catch {
      // not DNS
    }
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return sock;
}
