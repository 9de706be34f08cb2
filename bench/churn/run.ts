// bench/churn: containers made and disposed of one after another — create, start, stop, rm — one
// worker at a time and 4 side by side, through berth's CLI and the docker CLI against a berthd of
// the bench's own and through the docker CLI against dockerd. Rounds interleave the engines; it
// prints each step's median and the churn rate (containers through all four steps per second).
//   node dist/bench/churn/run.js [--rounds 10] [--parallel 4] [--docker-host unix:///…] [--no-dockerd]
// The container exits on SIGTERM at once (a shell trapping it), so `stop` measures the engines, not
// a timeout.
import { startWarmDaemon, warmBerth } from '../support/berth-cli.js';
import { findDockerd } from '../support/dockerd.js';
import { type Command, median, ms, option, timeAsync } from '../support/measure.js';

const rounds = Number(option('rounds', '10'));
const parallel = Number(option('parallel', '4'));
const STEPS = ['create', 'start', 'stop', 'rm'] as const;
const PROGRAM = ['busybox', 'sh', '-c', 'trap "exit 0" TERM; sleep 1000 & wait'];

interface Engine {
  name: string;
  cli: (args: string[]) => Command;
}

type Samples = Record<(typeof STEPS)[number], number[]> & { cycle: number[] };

const emptySamples = (): Samples => ({ create: [], start: [], stop: [], rm: [], cycle: [] });

/** One container through the four steps; each step's wall time into `into`. */
async function cycle(e: Engine, name: string, into: Samples): Promise<void> {
  const t0 = performance.now();
  try {
    into.create.push((await timeAsync(e.cli(['create', '--name', name, ...PROGRAM]))).ms);
    into.start.push((await timeAsync(e.cli(['start', name]))).ms);
    into.stop.push((await timeAsync(e.cli(['stop', name]))).ms);
    into.rm.push((await timeAsync(e.cli(['rm', name]))).ms);
  } catch (err) {
    // Leave nothing behind on a shared dockerd.
    await timeAsync(e.cli(['rm', '-f', name])).catch(() => undefined);
    throw err;
  }
  into.cycle.push(performance.now() - t0);
}

/** `workers` cycles side by side; the wall time of the whole batch. */
async function batch(e: Engine, workers: number, tag: string, into: Samples): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, w) => cycle(e, `churn-${process.pid}-${tag}-${w}`, into)));
  return performance.now() - t0;
}

function report(title: string, engines: Engine[], samples: Map<string, Samples>, batches: Map<string, number[]>, workers: number): void {
  console.log(`\n${title}: ${rounds} interleaved rounds, per-step medians (ms)`);
  console.log(`${''.padEnd(24)} ${STEPS.map((s) => s.padStart(6)).join(' ')}  cycle  containers/s`);
  const rate = new Map<string, number>();
  for (const e of engines) {
    const s = samples.get(e.name)!;
    // Containers through all four steps per second: a batch of `workers` per batch wall time.
    const r = (workers * 1000) / median(batches.get(e.name)!);
    rate.set(e.name, r);
    console.log(`${e.name.padEnd(24)} ${STEPS.map((st) => ms(median(s[st]))).join(' ')} ${ms(median(s.cycle))}  ${r.toFixed(1).padStart(12)}`);
  }
  const dockerd = rate.get('docker CLI → dockerd');
  if (dockerd) {
    console.log(`  churn rate vs docker CLI → dockerd: berth CLI → berthd ${(rate.get('berth CLI → berthd')! / dockerd).toFixed(2)}× (target ≥ 3×), docker CLI → berthd ${(rate.get('docker CLI → berthd')! / dockerd).toFixed(2)}× (target ≥ 4×)`);
  }
}

async function main(): Promise<void> {
  const dockerd = findDockerd();
  const d = await startWarmDaemon();
  try {
    const engines: Engine[] = [
      { name: 'berth CLI → berthd', cli: warmBerth(d) },
      { name: 'docker CLI → berthd', cli: (args) => ({ cmd: 'docker', args, env: { DOCKER_HOST: d.host } }) },
      ...(dockerd ? [{ name: 'docker CLI → dockerd', cli: (args: string[]) => ({ cmd: 'docker', args, env: { DOCKER_HOST: dockerd.host } }) }] : []),
    ];
    const floor = emptySamples();
    for (let i = 0; i < rounds; i++) floor.cycle.push((await timeAsync({ cmd: process.execPath, args: ['-e', '0'] })).ms);
    console.log(`floor: node -e 0 ${ms(median(floor.cycle))} ms (a berth CLI call starts there; a cycle is four calls)`);
    for (const workers of [1, parallel]) {
      const samples = new Map(engines.map((e) => [e.name, emptySamples()]));
      const batches = new Map(engines.map((e) => [e.name, [] as number[]]));
      for (const e of engines) await batch(e, workers, `warm${workers}`, emptySamples());
      for (let i = 0; i < rounds; i++) {
        for (const e of engines) batches.get(e.name)!.push(await batch(e, workers, `${workers}x${i}`, samples.get(e.name)!));
      }
      report(workers === 1 ? 'sequential (1 worker)' : `${workers} workers side by side`, engines, samples, batches, workers);
    }
  } finally {
    await d.stop();
    dockerd?.release();
  }
}

void main();
