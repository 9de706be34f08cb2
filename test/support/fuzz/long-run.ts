// The long fuzz runs: `npm run fuzz -- --minutes N [--target NAME] [--seed S]`. Each target runs in
// a child process of its own (heap capped) for its share of the time, with new seeds after each
// failure; every failure is shrunk and written to test/fuzz-corpus/ (which the suite replays).
// A child whose event loop stops answering (a synchronous hang) or that dies (out of memory) is
// killed or reaped, and the input it had in flight goes to the corpus as well.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_TARGETS } from './all-targets.js';
import { saveToCorpus } from './corpus.js';
import type { FuzzInput } from './fuzz-target.js';
import { runFuzz } from './run-fuzz.js';

const HEARTBEAT_MS = 1000;
const SILENCE_LIMIT_MS = 20_000;
const HEAP_MB = 1024;

interface ChildReport { inputs: number; failures: string[] }

async function child(name: string, seconds: number, seed: number, inflight: string): Promise<void> {
  const target = ALL_TARGETS.find((t) => t.name === name)!;
  const beat = setInterval(() => process.send!({ beat: true }), HEARTBEAT_MS);
  const report: ChildReport = { inputs: 0, failures: [] };
  const deadline = Date.now() + seconds * 1000;
  for (let s = seed; Date.now() < deadline; s++) {
    const res = await runFuzz(target, {
      seed: s, numRuns: Number.MAX_SAFE_INTEGER, timeLimitMs: deadline - Date.now(),
      beforeEach: (input) => writeFileSync(inflight, typeof input === 'string' ? `t${input}` : Buffer.concat([Buffer.from('b'), Buffer.from(input)])),
    });
    report.inputs += res.inputsTried;
    if (!res.failure) break;
    const file = saveToCorpus(target.name, res.failure.input, res.failure.why);
    report.failures.push(`${res.failure.why.split('\n')[0]} → ${file}`);
  }
  clearInterval(beat);
  process.send!({ done: report }, () => process.exit(0));
}

function runChild(name: string, seconds: number, seed: number, dir: string): Promise<ChildReport> {
  const inflight = join(dir, `${name}.inflight`);
  return new Promise((resolve) => {
    const c = fork(process.argv[1]!, ['--child', name, '--seconds', String(seconds), '--seed', String(seed), '--inflight', inflight], {
      execArgv: [`--max-old-space-size=${HEAP_MB}`],
    });
    let last = Date.now();
    let report: ChildReport | undefined;
    const watchdog = setInterval(() => {
      if (Date.now() - last > SILENCE_LIMIT_MS) c.kill('SIGKILL');
    }, 1000);
    c.on('message', (m: { beat?: boolean; done?: ChildReport }) => {
      last = Date.now();
      if (m.done) report = m.done;
    });
    c.on('exit', (code, signal) => {
      clearInterval(watchdog);
      if (report) return resolve(report);
      // Killed by the watchdog (a hang) or died (heap exhausted): the input in flight is the culprit.
      const why = signal === 'SIGKILL' ? `HangError: no heartbeat for ${SILENCE_LIMIT_MS} ms` : `Crash: child exited with ${signal ?? code} (out of memory?)`;
      const failures: string[] = [];
      try {
        const raw = readFileSync(inflight);
        const input: FuzzInput = raw[0] === 0x74 ? raw.subarray(1).toString('utf8') : new Uint8Array(raw.subarray(1));
        failures.push(`${why} → ${saveToCorpus(name, input, why)}`);
      } catch {
        failures.push(`${why} (no input in flight)`);
      }
      resolve({ inputs: 0, failures });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '1' }, target: { type: 'string', multiple: true }, seed: { type: 'string' },
      child: { type: 'string' }, seconds: { type: 'string' }, inflight: { type: 'string' },
    },
  });
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  if (values.child) return child(values.child, Number(values.seconds), seed, values.inflight!);
  const targets = values.target ? ALL_TARGETS.filter((t) => values.target!.includes(t.name)) : ALL_TARGETS;
  if (targets.length === 0) throw new Error(`no such target; known: ${ALL_TARGETS.map((t) => t.name).join(', ')}`);
  const share = Math.max(5, (Number(values.minutes) * 60) / targets.length);
  const dir = mkdtempSync(join(tmpdir(), 'berth-fuzz-'));
  console.log(`seed ${seed}, ${Math.round(share)} s per target`);
  console.log('| target | inputs | failures |\n| --- | ---: | ---: |');
  let failed = 0;
  try {
    for (const t of targets) {
      const r = await runChild(t.name, share, seed, dir);
      failed += r.failures.length;
      console.log(`| ${t.name} | ${r.inputs} | ${r.failures.length} |`);
      for (const f of r.failures) console.log(`    ${f}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
