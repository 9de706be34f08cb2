// How long the berth CLI takes and how much memory it peaks at, next to bare node and to docker's
// CLI: median wall time and peak RSS over N interleaved rounds.
//   node dist/bench/cli-startup.js [--runs 21] [--no-daemon]
// "(warm)" rows: berth as installed (the native launcher → the bench daemon's warm CLI workers);
// the others start the CLI cold (node bin/berth).
// berth ps / run go to BERTH_HOST when set, else to a berthd of the bench's own (root; nothing
// runs in it). docker's CLI is timed against the same berthd (the CLIs' shares compared) and,
// when DOCKER_HOST names a dockerd, against it. `--no-daemon`: ps against an address where nothing
// listens (parse, load the command, fail to connect). Peak RSS needs GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, type TestDaemon } from '../test/support/test-daemon.js';
import { BERTH_LAUNCHER } from '../test/support/repo-paths.js';
import { startWarmDaemon } from './support/berth-cli.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 21);
const noDaemon = process.argv.includes('--no-daemon');
const GNU_TIME = '/usr/bin/time';
const hasTime = existsSync(GNU_TIME);
const hasDocker = spawnSync('docker', ['--version'], { stdio: 'ignore' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'berth-cli-bench-'));

interface Case {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Compared with `node -e 0` (the floor a node CLI starts from). */
  vsNode?: boolean;
  /** Exits non-zero by design (no daemon listens). */
  fails?: boolean;
}

interface Sample {
  ms: number;
  rssKiB: number | undefined;
}

function sample(c: Case): Sample {
  const rssFile = join(scratch, 'rss');
  const [cmd, args] = hasTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, c.cmd, ...c.args]] : [c.cmd, c.args];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !c.fails) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
  const rss = hasTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { ms, rssKiB: rss };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function casesFor(berthHost: string | undefined, cliSocket?: string): Case[] {
  const node = process.execPath;
  const envB = { BERTH_HOST: berthHost ?? 'unix:///nonexistent/berth-bench.sock' };
  const cases: Case[] = [
    { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
    { name: 'berth --version', cmd: node, args: [BERTH, '--version'], vsNode: true },
    { name: 'berth run --help', cmd: node, args: [BERTH, 'run', '--help'], vsNode: true },
  ];
  if (!berthHost) {
    cases.push({ name: 'berth ps (nothing listens)', cmd: node, args: [BERTH, 'ps'], env: envB, vsNode: true, fails: true });
    cases.push({ name: '  from dist/ (BERTH_BUNDLE=0)', cmd: node, args: [BERTH, 'ps'], env: { ...envB, BERTH_BUNDLE: '0' }, vsNode: true, fails: true });
    return cases;
  }
  if (cliSocket) {
    // berth as installed on PATH: the native launcher and the daemon's warm CLI workers.
    const envW = { ...envB, BERTH_CLI_SOCKET: cliSocket, BERTH_WARM: '1' };
    cases.push(
      { name: 'berth --version (warm)', cmd: BERTH_LAUNCHER, args: ['--version'], env: envW, vsNode: true },
      { name: 'berth ps (warm)', cmd: BERTH_LAUNCHER, args: ['ps'], env: envW, vsNode: true },
      { name: 'berth run --rm busybox true (warm)', cmd: BERTH_LAUNCHER, args: ['run', '--rm', 'busybox', 'true'], env: envW },
    );
  }
  cases.push(
    { name: 'berth ps', cmd: node, args: [BERTH, 'ps'], env: envB, vsNode: true },
    { name: '  from dist/ (BERTH_BUNDLE=0)', cmd: node, args: [BERTH, 'ps'], env: { ...envB, BERTH_BUNDLE: '0' }, vsNode: true },
    { name: 'berth run --rm busybox true', cmd: node, args: [BERTH, 'run', '--rm', 'busybox', 'true'], env: envB },
  );
  if (hasDocker) {
    const envD = { DOCKER_HOST: berthHost };
    cases.push(
      { name: 'docker --version', cmd: 'docker', args: ['--version'] },
      { name: 'docker ps → berthd', cmd: 'docker', args: ['ps'], env: envD },
      { name: 'docker run --rm … → berthd', cmd: 'docker', args: ['run', '--rm', 'busybox', 'true'], env: envD },
    );
    if (process.env.DOCKER_HOST) {
      const envR = { DOCKER_HOST: process.env.DOCKER_HOST };
      cases.push(
        { name: 'docker ps → dockerd', cmd: 'docker', args: ['ps'], env: envR },
        { name: 'docker run --rm … → dockerd', cmd: 'docker', args: ['run', '--rm', 'busybox', 'true'], env: envR },
      );
    }
  }
  return cases;
}

function report(cases: Case[]): void {
  const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) sample(c); // warm-up: page cache, code cache, image
  for (let i = 0; i < runs; i++) for (const c of cases) results.get(c.name)!.push(sample(c));
  const ms = (name: string): number => median(results.get(name)!.map((s) => s.ms));
  const rss = (name: string): number | undefined => (hasTime ? median(results.get(name)!.map((s) => s.rssKiB!)) : undefined);
  const nodeMs = ms('node -e 0');
  const nodeRss = rss('node -e 0');
  console.log(`${runs} interleaved rounds, medians${hasTime ? '' : ' (no GNU time: peak RSS not measured)'}`);
  console.log(`${'command'.padEnd(32)} ${'wall ms'.padStart(8)} ${'× node'.padStart(7)} ${'peak RSS MiB'.padStart(13)} ${'× node'.padStart(7)}`);
  for (const c of cases) {
    const t = ms(c.name);
    const r = rss(c.name);
    const vs = (x: number, base: number | undefined): string => (c.vsNode && base ? `${(x / base).toFixed(2)}` : '');
    console.log(`${c.name.padEnd(32)} ${t.toFixed(1).padStart(8)} ${vs(t, nodeMs).padStart(7)} ${r === undefined ? ''.padStart(13) : (r / 1024).toFixed(1).padStart(13)} ${r === undefined ? '' : vs(r, nodeRss).padStart(7)}`);
  }
  const ratio = (a: string, b: string): void => {
    if (results.has(a) && results.has(b)) console.log(`${a} / ${b}: ${(ms(a) / ms(b)).toFixed(2)}×`);
  };
  ratio('berth run --rm busybox true', 'docker run --rm … → berthd');
  ratio('berth run --rm busybox true', 'docker run --rm … → dockerd');
  ratio('berth run --rm busybox true (warm)', 'docker run --rm … → berthd');
  ratio('berth run --rm busybox true (warm)', 'docker run --rm … → dockerd');
  console.log('targets: berth ps ≤ 1.25× node -e 0; peak RSS ≤ 1.1× node\'s; berth run ≤ 0.35× docker\'s (CLI share)');
}

async function main(): Promise<void> {
  let daemon: TestDaemon | undefined;
  let host = process.env.BERTH_HOST || undefined;
  try {
    if (!host && !noDaemon) {
      daemon = await startWarmDaemon({ busybox: true });
      host = daemon.host;
    }
    report(casesFor(host, daemon?.cliSocket));
  } finally {
    await daemon?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
