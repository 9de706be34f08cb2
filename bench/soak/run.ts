// bench/soak: loops runs, execs, logs and builds against a berthd of its own for N minutes,
// sampling berthd's RSS and open fds (and counting MaxListenersExceededWarning in its log) each
// round; prints the samples at start, middle and end. Flat at the end is the goal.
//   node dist/bench/soak/run.js --minutes 10
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestDaemon } from '../../test/support/test-daemon.js';
import { sampleDaemon, type Sample } from '../load/run.js';

const minutesAt = process.argv.indexOf('--minutes');
const minutes = minutesAt < 0 ? 5 : Number(process.argv[minutesAt + 1]);

async function main(): Promise<void> {
  const d = await startTestDaemon();
  const ctx = mkdtempSync(join(tmpdir(), 'berth-soak-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nARG N\nRUN echo $N > /n\n');
  const samples: Array<Sample & { t: number; round: number; warnings: number }> = [];
  let failures = 0;
  const must = async (p: Promise<{ code: number; stderr: string }>, what: string): Promise<void> => {
    const r = await p;
    if (r.code !== 0) {
      failures++;
      console.error(`soak: ${what} failed: ${r.stderr.trim()}`);
    }
  };
  try {
    await must(d.docker(['run', '-d', '--name', 'soakhost', 'busybox', 'sleep', '1000000']), 'run -d');
    const t0 = Date.now();
    const end = t0 + minutes * 60_000;
    for (let round = 0; Date.now() < end; round++) {
      await must(d.docker(['run', '--rm', 'busybox', 'echo', `round ${round}`]), 'run --rm');
      await must(d.docker(['exec', 'soakhost', 'sh', '-c', 'echo exec']), 'exec');
      await must(d.docker(['run', '--name', `soak${round}`, 'busybox', 'sh', '-c', 'seq 1 200']), 'run');
      await must(d.docker(['logs', `soak${round}`]), 'logs');
      await must(d.docker(['rm', `soak${round}`]), 'rm');
      if (round % 5 === 0) await must(d.docker(['build', '-q', '--build-arg', `N=${round}`, '-t', 'soak:latest', ctx], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 120_000 }), 'build');
      if (round % 10 === 0) await must(d.docker(['image', 'prune', '-f']), 'image prune');
      const warnings = d.logs.split('\n').filter((l) => /MaxListenersExceeded/.test(l)).length;
      samples.push({ ...sampleDaemon(d), t: (Date.now() - t0) / 1000, round, warnings });
    }
    const show = (s: (typeof samples)[number] | undefined, label: string): void => {
      if (s) console.log(`${label.padEnd(7)} t=${s.t.toFixed(0).padStart(5)} s round ${String(s.round).padStart(4)}  RSS ${s.rssKiB} KiB  fds ${s.fds}  MaxListeners warnings ${s.warnings}`);
    };
    console.log(`bench/soak: ${minutes} min, ${samples.length} rounds (run --rm, exec, run+logs+rm each; build every 5th), ${failures} failures`);
    show(samples[0], 'start');
    show(samples[Math.floor(samples.length / 2)], 'middle');
    show(samples[samples.length - 1], 'end');
    const last = samples.slice(-Math.max(1, Math.floor(samples.length / 4)));
    console.log(`last quarter: RSS ${Math.min(...last.map((s) => s.rssKiB))}–${Math.max(...last.map((s) => s.rssKiB))} KiB, fds ${Math.min(...last.map((s) => s.fds))}–${Math.max(...last.map((s) => s.fds))}`);
  } finally {
    await d.stop();
    rmSync(ctx, { recursive: true, force: true });
  }
}

await main();
