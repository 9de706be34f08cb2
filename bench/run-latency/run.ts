// bench/run-latency: median wall time of `run --rm busybox true` through berth's CLI and the docker
// CLI against a berthd of the bench's own, and through the docker CLI against dockerd, beside the
// floors (`node -e 0`, the start of any node CLI; `runc run`, the container itself): interleaved
// rounds on one machine, medians.
//   node dist/bench/run-latency/run.js [--runs 20] [--docker-host unix:///…] [--no-dockerd]
// dockerd: see bench/support/dockerd.ts (the shared compat dockerd by default).
import { coldBerth, startWarmDaemon, warmBerth } from '../support/berth-cli.js';
import { findDockerd } from '../support/dockerd.js';
import { type Command, median, ms, option, timeSync } from '../support/measure.js';
import { makeRuncFloor } from '../support/runc-floor.js';

const runs = Number(option('runs', '20'));
const RUN = ['run', '--rm', 'busybox', 'true'];

async function main(): Promise<void> {
  const dockerd = findDockerd();
  const floor = makeRuncFloor();
  const d = await startWarmDaemon();
  try {
    const cases: Array<{ name: string; command: () => Command }> = [
      { name: 'node -e 0 (floor of a node CLI)', command: () => ({ cmd: process.execPath, args: ['-e', '0'] }) },
      ...(floor ? [{ name: 'runc run busybox true (floor)', command: () => floor.command() }] : []),
      { name: 'berth CLI → berthd', command: () => warmBerth(d)(RUN) },
      { name: 'berth CLI cold → berthd', command: () => coldBerth(d)(RUN) },
      { name: 'docker CLI → berthd', command: () => ({ cmd: 'docker', args: RUN, env: { DOCKER_HOST: d.host } }) },
      ...(dockerd ? [{ name: 'docker CLI → dockerd', command: () => ({ cmd: 'docker', args: RUN, env: { DOCKER_HOST: dockerd.host } }) }] : []),
    ];
    const series = new Map(cases.map((c) => [c.name, [] as number[]]));
    for (const c of cases) timeSync(c.command()); // warm-up: page cache, code cache, spare sandboxes
    for (let i = 0; i < runs; i++) for (const c of cases) series.get(c.name)!.push(timeSync(c.command()));
    console.log(`run --rm busybox true: ${runs} interleaved rounds, wall ms`);
    console.log(`${''.padEnd(34)} median    min    max`);
    for (const [name, xs] of series) console.log(`${name.padEnd(34)} ${ms(median(xs))} ${ms(Math.min(...xs))} ${ms(Math.max(...xs))}`);
    const m = (name: string): number => median(series.get(name) ?? []);
    if (dockerd) {
      console.log(`berth CLI → berthd / docker CLI → dockerd: ${(m('berth CLI → berthd') / m('docker CLI → dockerd')).toFixed(2)}× (target ≤ 0.35×)`);
      console.log(`docker CLI → berthd / docker CLI → dockerd: ${(m('docker CLI → berthd') / m('docker CLI → dockerd')).toFixed(2)}×`);
    }
    if (floor) console.log(`docker CLI → berthd above runc run: ${(m('docker CLI → berthd') - m('runc run busybox true (floor)')).toFixed(0)} ms (the docker CLI's own start-up included)`);
  } finally {
    await d.stop();
    floor?.remove();
    dockerd?.release();
  }
}

void main();
