// A/B timing of bench/build's fully cached rebuild on two berthd daemons started with different
// environments, builds interleaved (A, B, A, B, …) so machine noise falls on both alike; with the
// docker CLI's send floor (send-floor.ts) beside them. For trying a change behind an env switch:
//   node dist/bench/build/cached-ab.js --rounds 7 --a BERTH_X=0 --b BERTH_X=1
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startTestDaemon, type TestDaemon } from '../../test/support/test-daemon.js';
import { makeBenchContext, median } from './bench-context.js';
import { measureSendFloor } from './send-floor.js';

const arg = (name: string): string[] => process.argv.flatMap((a, i) => (process.argv[i - 1] === name ? [a] : []));
const rounds = Number(arg('--rounds')[0] ?? 5);

async function daemonWith(env: string[]): Promise<TestDaemon> {
  const saved = { ...process.env };
  for (const kv of env) {
    const i = kv.indexOf('=');
    process.env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  try {
    return await startTestDaemon();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

function build(host: string, dir: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('docker', ['build', '-q', '-t', 'bench/ab', dir], { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed on ${host}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const dir = makeBenchContext();
const daemons: TestDaemon[] = [];
try {
  const a = await daemonWith(arg('--a'));
  daemons.push(a);
  const b = await daemonWith(arg('--b'));
  daemons.push(b);
  // The first build of each fills its cache.
  build(a.host, dir);
  build(b.host, dir);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ta.push(build(a.host, dir));
    tb.push(build(b.host, dir));
  }
  const floor = await measureSendFloor(dir, rounds);
  const row = (label: string, xs: number[]): string => `  ${label.padEnd(28)} median ${median(xs).toFixed(0).padStart(5)} ms, min ${Math.min(...xs).toFixed(0).padStart(4)}   (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`cached rebuild, ${rounds} rounds interleaved`);
  console.log(row(`A ${arg('--a').join(' ') || '(default)'}`, ta));
  console.log(row(`B ${arg('--b').join(' ') || '(default)'}`, tb));
  console.log(row('docker CLI send floor', floor.builds));
  console.log(row('  of which the body', floor.bodies));
  // With BERTH_TRACE=1 the daemons log each phase: their medians over the cached rebuilds.
  for (const [name, d] of [['A', a], ['B', b]] as const) {
    const spans = new Map<string, number[]>();
    for (const m of d.logs.matchAll(/^trace build (\S+).* ([0-9.]+)ms$/gm)) {
      const xs = spans.get(m[1]!) ?? [];
      xs.push(Number(m[2]));
      spans.set(m[1]!, xs);
    }
    if (spans.size) console.log(`  ${name} phases: ${[...spans].map(([k, xs]) => `${k} ${median(xs.slice(-rounds)).toFixed(1)}`).join(', ')} (ms)`);
  }
} finally {
  for (const d of daemons) await d.stop();
  rmSync(dir, { recursive: true, force: true });
}
