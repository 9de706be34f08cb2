// bench/density: N `sleep` containers (500 by default, --network none) on a berthd of the bench's
// own and on dockerd, started in alternation (`run -d`: berth's CLI → berthd, docker's → dockerd).
// It prints:
//  - the engine's memory per container: PSS (shared pages split among their users) and RSS of the
//    engine's own processes before and after — berthd, conmon, seccomp agents, lxcfs; dockerd,
//    containerd, the shims — divided by N;
//  - `run -d` time of the first containers against the last (medians of 10 at each end), beside
//    `runc run` of a bare bundle timed in the same rounds: what the kernel's growing state (mount
//    table, processes) adds to any runtime, engine or not;
//  - `ps` with N running: berth ps, docker ps → berthd, docker ps → dockerd, and the bare
//    `GET /containers/json` of each daemon, in interleaved rounds, medians.
//   node dist/bench/density/run.js [--count 500] [--rounds 15] [--docker-host unix:///…] [--no-dockerd]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { startWarmDaemon, warmBerth } from '../support/berth-cli.js';
import { type Dockerd, findDockerd } from '../support/dockerd.js';
import { type Command, median, ms, option, timeSync } from '../support/measure.js';
import { makeRuncFloor } from '../support/runc-floor.js';

const count = Number(option('count', '500'));
const rounds = Number(option('rounds', '15'));
// No network: a default bridge is a /24 on both daemons (253 addresses), and sandboxes are kernel
// memory, not the engines'.
const SLEEP = ['run', '-d', '--network', 'none', 'busybox', 'sleep', '1000000'];

interface Proc {
  ppid: number;
  comm: string;
  args: string;
  rssKiB: number;
  pssKiB: number;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const comm = readFileSync(`/proc/${name}/comm`, 'utf8').trim();
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const rollup = existsSync(`/proc/${name}/smaps_rollup`) ? readFileSync(`/proc/${name}/smaps_rollup`, 'utf8') : '';
      out.push({ ppid, comm, args, rssKiB: rss, pssKiB: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? rss) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

type Tally = Record<string, { n: number; rss: number; pss: number }>;

function tally(group: (p: Proc) => string | undefined): Tally {
  const t: Tally = {};
  for (const p of processes()) {
    const g = group(p);
    if (!g) continue;
    const e = (t[g] ??= { n: 0, rss: 0, pss: 0 });
    e.n++;
    e.rss += p.rssKiB;
    e.pss += p.pssKiB;
  }
  return t;
}

const total = (t: Tally, k: 'rss' | 'pss'): number => Object.values(t).reduce((a, e) => a + e[k], 0);
const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

/** Prints the groups before → after; returns PSS per container in KiB. */
function reportMemory(title: string, before: Tally, after: Tally): number {
  console.log(`\n${title}`);
  for (const g of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
    const b = before[g] ?? { n: 0, rss: 0, pss: 0 };
    const a = after[g] ?? { n: 0, rss: 0, pss: 0 };
    console.log(`  ${g.padEnd(16)} ${String(b.n).padStart(4)} → ${String(a.n).padStart(4)} procs   PSS ${mib(b.pss).padStart(10)} → ${mib(a.pss).padStart(10)}   RSS ${mib(b.rss).padStart(10)} → ${mib(a.rss).padStart(10)}`);
  }
  const pss = (total(after, 'pss') - total(before, 'pss')) / count;
  const rss = (total(after, 'rss') - total(before, 'rss')) / count;
  console.log(`  per container: PSS ${pss.toFixed(0)} KiB, RSS ${rss.toFixed(0)} KiB`);
  return pss;
}

/** Wall time of `GET /containers/json` on a unix-socket daemon. */
function listTime(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ socketPath: host.replace(/^unix:\/\//, ''), path: '/containers/json', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

const endMedians = (xs: number[]): { first: number; last: number } => ({ first: median(xs.slice(0, 10)), last: median(xs.slice(-10)) });

async function main(): Promise<void> {
  const dockerd = findDockerd();
  const d = await startWarmDaemon();
  const floor = makeRuncFloor();
  const dockerNames: string[] = [];
  try {
    const berthCli = warmBerth(d);
    const dockerCli = (host: string, args: string[]): Command => ({ cmd: 'docker', args, env: { DOCKER_HOST: host } });
    const ours = (p: Proc): string | undefined => {
      // The warm CLI workers are the engine's too: berthd's children, named by their script.
      if (p.ppid === d.pid && p.args.includes('cli-worker')) return 'CLI workers';
      if (!p.args.includes(d.dir)) return undefined;
      if (p.comm === 'conmon') return 'conmon';
      if (p.comm === 'lxcfs') return 'lxcfs';
      if (p.comm.startsWith('berth-seccomp')) return 'seccomp agent';
      return p.args.includes('berthd') ? 'berthd' : undefined;
    };
    // The shared compat dockerd keeps its files under one directory; its processes name it.
    const dockerDir = dockerd && dockerd.host.startsWith('unix:///tmp/') ? dirname(dirname(dockerd.host.slice('unix://'.length))) : undefined;
    const theirs = (p: Proc): string | undefined => {
      if (dockerDir && !p.args.includes(dockerDir)) return undefined;
      return p.comm === 'dockerd' ? 'dockerd' : p.comm === 'containerd' ? 'containerd' : p.comm.startsWith('containerd-shim') ? 'containerd-shim' : undefined;
    };
    timeSync(berthCli(['run', '--rm', 'busybox', 'true']));
    if (dockerd) timeSync(dockerCli(dockerd.host, ['run', '--rm', 'busybox', 'true']));
    await new Promise((r) => setTimeout(r, 2000));
    const before = { berth: tally(ours), docker: tally(theirs) };
    const runB: number[] = [];
    const runD: number[] = [];
    const runF: number[] = [];
    for (let i = 0; i < count; i++) {
      if (floor) runF.push(timeSync(floor.command()));
      runB.push(timeSync(berthCli(['run', '-d', '--name', `dense${i}`, ...SLEEP.slice(2)])));
      if (dockerd) {
        const name = `berth-density-${process.pid}-${i}`;
        dockerNames.push(name); // before the run: a failed one is left created
        runD.push(timeSync(dockerCli(dockerd.host, ['run', '-d', '--name', name, ...SLEEP.slice(2)])));
      }
      if ((i + 1) % 100 === 0) console.log(`… ${i + 1} running on each`);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const pssB = reportMemory(`berth: ${count} busybox sleep containers`, before.berth, tally(ours));
    const pssD = dockerd ? reportMemory(`docker: ${count} busybox sleep containers`, before.docker, tally(theirs)) : undefined;
    if (pssD) console.log(`\nengine memory per container, berth / docker (PSS): ${(pssB / pssD).toFixed(2)}× (target ≤ 0.25×)`);

    const b = endMedians(runB);
    console.log(`\nrun -d, medians of the first 10 and the last 10 (ms):`);
    console.log(`  berth CLI → berthd    first ${ms(b.first)}  last ${ms(b.last)}  last/first ${(b.last / b.first).toFixed(2)}× (target ≤ 1.2×)  [1st ${ms(runB[0]!)}, ${count}th ${ms(runB[count - 1]!)}]`);
    if (dockerd) {
      const k = endMedians(runD);
      console.log(`  docker CLI → dockerd  first ${ms(k.first)}  last ${ms(k.last)}  last/first ${(k.last / k.first).toFixed(2)}×  [1st ${ms(runD[0]!)}, ${count}th ${ms(runD[count - 1]!)}]`);
    }
    if (floor) {
      const f = endMedians(runF);
      console.log(`  runc run (floor)      first ${ms(f.first)}  last ${ms(f.last)}  last/first ${(f.last / f.first).toFixed(2)}×  (+${ms(f.last - f.first)} from the host's state alone)`);
    }

    const cases: Array<{ name: string; time: () => Promise<number> }> = [
      { name: 'berth ps → berthd', time: async () => timeSync(berthCli(['ps'])) },
      { name: 'docker ps → berthd', time: async () => timeSync(dockerCli(d.host, ['ps'])) },
      ...(dockerd ? [{ name: 'docker ps → dockerd', time: async () => timeSync(dockerCli(dockerd.host, ['ps'])) }] : []),
      { name: 'GET /containers/json berthd', time: () => listTime(d.host) },
      ...(dockerd ? [{ name: 'GET /containers/json dockerd', time: () => listTime(dockerd.host) }] : []),
    ];
    const series = new Map(cases.map((c) => [c.name, [] as number[]]));
    for (const c of cases) await c.time();
    for (let i = 0; i < rounds; i++) for (const c of cases) series.get(c.name)!.push(await c.time());
    console.log(`\nwith ${count} running on each: ${rounds} interleaved rounds, median ms`);
    for (const [name, xs] of series) console.log(`  ${name.padEnd(30)} ${ms(median(xs))}`);
    if (dockerd) console.log(`  berth ps / docker ps → dockerd: ${(median(series.get('berth ps → berthd')!) / median(series.get('docker ps → dockerd')!)).toFixed(2)}× (target ≤ 1×)`);
  } finally {
    await d.stop();
    floor?.remove();
    removeAll(dockerd, dockerNames);
    dockerd?.release();
  }
}

function removeAll(dockerd: Dockerd | undefined, names: string[]): void {
  for (let i = 0; dockerd && i < names.length; i += 50) {
    spawnSync('docker', ['-H', dockerd.host, 'rm', '-f', ...names.slice(i, i + 50)], { stdio: 'ignore' });
  }
}

void main();
