// A berthd of a test's own: its own data root, exec root, socket, bridge names, subnet and iptables
// chains, so many can run side by side; stop() removes everything it made, even after a failure.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'node:http';
import { BERTH, BERTHD, BUSYBOX_ROOTFS } from './repo-paths.js';

const exec = promisify(execFile);
export { BERTH, BERTHD };
const BUSYBOX_TAR = BUSYBOX_ROOTFS;

let counter = 0;

/** A second octet for 10.X.0.0/16 that no route of the host uses (another daemon, docker0, …). */
function freeOctet(start: number): number {
  let routes = '';
  try {
    routes = execFileSync('ip', ['-4', 'route'], { encoding: 'utf8' });
  } catch {
    // no iproute2: take the first choice
  }
  for (let i = 0; i < 50; i++) {
    const o = 200 + ((start - 200 + i) % 50);
    if (!routes.includes(`10.${o}.`)) return o;
  }
  return start;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly host: string;
  readonly tag: string;
  private proc?: ChildProcess;
  private readonly octet: number;
  logs = '';

  /** `extraArgs`: more berthd flags (e.g. --userns-remap); `berthd`: another package's (a test's copy). */
  constructor(readonly extraArgs: string[] = [], private readonly berthd = BERTHD) {
    const n = (process.pid * 7 + counter++) % 40;
    this.tag = `t${process.pid % 1000}x${counter}`;
    this.octet = freeOctet(200 + n);
    this.dir = mkdtempSync('/tmp/bt-');
    // A remapped container's root must reach its rootfs and bind sources under this dir.
    if (extraArgs.some((a) => a.startsWith('--userns-remap'))) chmodSync(this.dir, 0o711);
    this.socket = join(this.dir, 'run', 'berth.sock');
    this.host = `unix://${this.socket}`;
  }

  /** berthd's process id (undefined before start). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Where berth's launcher finds this daemon's warm CLI workers (BERTH_CLI_SOCKET). */
  get cliSocket(): string {
    return join(this.dir, 'run', 'cli.sock');
  }

  get bridge(): string {
    return `b${this.tag}`.slice(0, 15);
  }

  args(): string[] {
    return [
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'run'),
      '-H', this.host,
      '--bridge', this.bridge,
      '--bip', `10.${this.octet}.0.1/24`,
      '--default-address-pool', `base=10.${this.octet}.0.0/16,size=24`,
      '--bridge-prefix', `n${this.tag}`.slice(0, 9),
      '--iptables-chain-prefix', `B${this.tag.toUpperCase()}`,
      '--cgroup-parent', `/berth-${this.tag}`,
      // Warm CLI workers only where a test or bench asks for them (two node processes each).
      ...(this.extraArgs.some((a) => a.startsWith('--cli-workers')) ? [] : ['--cli-workers', '0']),
      ...this.extraArgs,
    ];
  }

  /** Starts berthd and waits for /_ping. */
  async start(): Promise<this> {
    this.proc = spawn(process.execPath, [this.berthd, ...this.args()], { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    this.proc.stdout!.on('data', (d: Buffer) => (this.logs += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.logs += d.toString()));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`berthd exited: ${this.logs}`);
      if (await this.ping()) return this;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`berthd did not answer: ${this.logs}`);
  }

  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request({ socketPath: this.socket, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
      req.end();
    });
  }

  /** kill -9: containers must survive (conmon). */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stopDaemon(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  /** Runs the real docker CLI against this daemon. */
  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    return runProcess('docker', args, { ...opts, env: { ...process.env, DOCKER_HOST: this.host, DOCKER_CLI_HINTS: 'false', ...opts.env } });
  }

  /** Runs the berth CLI against this daemon. */
  berth(args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    return runProcess(process.execPath, [BERTH, ...args], { ...opts, env: { ...process.env, BERTH_HOST: this.host, ...opts.env } });
  }

  /** Makes busybox:latest in this daemon through the import API, as set-up does. */
  async importBusybox(): Promise<void> {
    const tar = await new Promise<Buffer>((resolve, reject) => {
      execFile(process.execPath, [BUSYBOX_TAR], { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, out) => (err ? reject(err) : resolve(out)));
    });
    const r = await this.docker(['import', '-c', 'CMD ["sh"]', '-', 'busybox:latest'], { input: tar });
    if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
  }

  /** Removes every trace: containers, daemon, mounts, netns, bridges, iptables chains, cgroups, files. */
  async stop(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) {
      await this.docker(['rm', '-f', ...(await this.containerIds())], { timeoutMs: 30_000 }).catch(() => undefined);
    }
    await this.stopDaemon();
    await cleanupRoot(this.dir, this.tag, this.bridge);
  }

  private async containerIds(): Promise<string[]> {
    const r = await this.docker(['ps', '-aq']);
    return r.stdout.split('\n').filter(Boolean);
  }
}

export async function startTestDaemon(opts: { busybox?: boolean; args?: string[]; berthd?: string } = {}): Promise<TestDaemon> {
  const d = new TestDaemon(opts.args, opts.berthd);
  try {
    await d.start();
    if (opts.busybox !== false) await d.importBusybox();
  } catch (err) {
    await d.stop();
    throw err;
  }
  return d;
}

export function runProcess(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : -1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

async function quiet(cmd: string, args: string[]): Promise<string> {
  try {
    return (await exec(cmd, args, { maxBuffer: 16 << 20 })).stdout;
  } catch {
    return '';
  }
}

/** Best-effort teardown of everything a test daemon under `dir` may have left. */
export async function cleanupRoot(dir: string, tag: string, bridge: string): Promise<void> {
  // A daemon started by the CLI (auto-start) names the root only in its pid file.
  try {
    const pid = Number(readFileSync(join(dir, 'run', 'berthd.pid'), 'utf8'));
    if (pid) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50; i++) {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(pid, 'SIGKILL');
    }
  } catch {
    // no daemon, or it is gone
  }
  // conmon processes monitoring our containers, and the containers' runc state.
  const runcRoot = join(dir, 'run', 'runc');
  if (existsSync(runcRoot)) {
    for (const id of readdirSync(runcRoot)) await quiet('runc', ['--root', runcRoot, 'delete', '--force', id]);
  }
  for (const line of (await quiet('ps', ['-eo', 'pid,args'])).split('\n')) {
    if (line.includes(dir) && /conmon|socat|berthd|lxcfs|berth-seccomp-agent/.test(line)) {
      const pid = Number(line.trim().split(/\s+/)[0]);
      if (pid && pid !== process.pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }
  // Mounts under the root, deepest first.
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await quiet('umount', ['-l', m]);
  // Network devices and firewall chains of this daemon.
  for (const line of (await quiet('ip', ['-o', 'link', 'show'])).split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name && (name === bridge || name.startsWith(`n${tag}`.slice(0, 9)))) await quiet('ip', ['link', 'del', name]);
  }
  const chainPrefix = `B${tag.toUpperCase()}`;
  for (const table of ['filter', 'nat']) {
    const save = await quiet('iptables-save', ['-t', table]);
    const chains = [...save.matchAll(/^:(\S+)/gm)].map((m) => m[1]!).filter((c) => c.startsWith(chainPrefix));
    for (const line of save.split('\n')) {
      if (line.startsWith('-A ') && chains.some((c) => line.includes(`-j ${c}`)) && !chains.some((c) => line.startsWith(`-A ${c} `))) {
        await quiet('iptables', ['-t', table, '-D', ...splitRule(line.slice(3))]);
      }
    }
    for (const c of chains) await quiet('iptables', ['-t', table, '-F', c]);
    for (const c of chains) await quiet('iptables', ['-t', table, '-X', c]);
  }
  // cgroups of our containers.
  for (const ctrl of ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'systemd', 'unified']) {
    const base = `/sys/fs/cgroup/${ctrl}/berth-${tag}`;
    if (!existsSync(base)) continue;
    for (const sub of readdirSync(base, { withFileTypes: true })) if (sub.isDirectory()) await quiet('rmdir', [join(base, sub.name)]);
    await quiet('rmdir', [base]);
  }
  rmSync(dir, { recursive: true, force: true });
}

function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rule))) out.push(m[1] ?? m[2]!);
  return out;
}
