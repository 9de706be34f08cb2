// bench/build: `docker build` (classic builder API) against a test berthd for a Dockerfile FROM
// busybox with ENV/WORKDIR, a 50 MB COPY and 10 RUN steps: a cold build, a fully cached rebuild
// (twice), and a rebuild after one copied file changed (the COPY and everything after it run
// again). Then the docker CLI's send floor (send-floor.ts): the same build against a server that
// only reads the context, what no daemon can beat.
// Where a docker daemon answers on /var/run/docker.sock, the same builds there for comparison.
//   node dist/bench/build/run.js [--rounds 3]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon } from '../../test/support/test-daemon.js';
import { makeBenchContext, median } from './bench-context.js';
import { measureSendFloor } from './send-floor.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3);

interface Figures {
  cold: number[];
  cached: number[];
  /** A second cached rebuild: the first follows a build that wrote its context to disk and still cleans up. */
  cachedAgain: number[];
  changed: number[];
}

function timeBuild(host: string, dir: string, tag: string, extra: string[] = []): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('docker', ['build', '-q', '-t', tag, ...extra, dir], { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`build failed on ${host}: ${r.stderr}`);
  return ms;
}

function benchOn(host: string, dir: string, prepare: () => void): Figures {
  const f: Figures = { cold: [], cached: [], cachedAgain: [], changed: [] };
  for (let i = 0; i < rounds; i++) {
    prepare();
    writeFileSync(join(dir, 'app.txt'), `version ${i}-${Date.now()}\n`);
    f.cold.push(timeBuild(host, dir, 'bench/build', ['--no-cache']));
    f.cached.push(timeBuild(host, dir, 'bench/build'));
    f.cachedAgain.push(timeBuild(host, dir, 'bench/build'));
    writeFileSync(join(dir, 'app.txt'), `changed ${i}-${Date.now()}\n`);
    f.changed.push(timeBuild(host, dir, 'bench/build'));
  }
  return f;
}

function print(name: string, f: Figures): void {
  const row = (label: string, xs: number[]): string => `  ${label.padEnd(34)} median ${median(xs).toFixed(0).padStart(6)} ms   (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`${name}:`);
  console.log(row('cold build (--no-cache)', f.cold));
  console.log(row('fully cached rebuild', f.cached));
  console.log(row('  the same again', f.cachedAgain));
  console.log(row('rebuild after one copied file', f.changed));
}

const dir = makeBenchContext();
const d = await startTestDaemon();
try {
  console.log(`bench/build: FROM busybox, ENV, WORKDIR, 50 MB COPY, 1 small COPY, 10 RUN; ${rounds} rounds`);
  // What the docker CLI alone takes to send this context (to a server that discards it); first,
  // while no daemon's writes of an earlier build are still going to disk.
  const floor = await measureSendFloor(dir, Math.max(rounds, 5));
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`docker CLI send floor: ${median(floor.builds).toFixed(0)} ms   (${list(floor.builds)}; the context body alone ${median(floor.bodies).toFixed(0)} ms)`);
  print('berth', benchOn(d.host, dir, () => undefined));
  if (existsSync('/var/run/docker.sock')) {
    const host = 'unix:///var/run/docker.sock';
    const ping = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
    if (ping.status === 0) {
      print(`docker ${ping.stdout.trim()}`, benchOn(host, dir, () => undefined));
      spawnSync('docker', ['rmi', '-f', 'bench/build'], { env: { ...process.env, DOCKER_HOST: host } });
    } else console.log('docker: /var/run/docker.sock does not answer; no comparison');
  } else console.log('docker: no daemon here; no comparison');
} finally {
  await d.stop();
  rmSync(dir, { recursive: true, force: true });
}
