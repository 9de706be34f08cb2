// How long the berth CLI takes to start, next to bare node: `node dist/bench/cli-startup.js [runs]`.
// Prints the median wall time of: node -e 0, berth --version, berth run --help, and berth ps /
// run against an address where nothing listens (parse, load the command, fail to connect).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BERTH = fileURLToPath(new URL('../../bin/berth', import.meta.url));
const runs = Number(process.argv[2] ?? 15);
const env = { ...process.env, BERTH_HOST: 'unix:///nonexistent/berth-bench.sock' };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return median(times);
}

const cases: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['berth --version', [BERTH, '--version']],
  ['berth run --help', [BERTH, 'run', '--help']],
  ['berth ps (no daemon)', [BERTH, 'ps']],
  ['berth run (no daemon)', [BERTH, 'run', '--rm', 'busybox', 'true']],
];
const base = time(cases[0]![1]);
for (const [name, args] of cases) {
  const t = name === 'node -e 0' ? base : time(args);
  console.log(`${name.padEnd(24)} ${t.toFixed(1).padStart(7)} ms   (+${(t - base).toFixed(1)} ms over node)`);
}
