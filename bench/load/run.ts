// bench/load: holds N concurrent Engine API requests of mixed kinds against a berthd of its own —
// lists, inspects, create/start/rm, logs follow, events and stats streams (streams held open a
// few seconds) — and reports errors and latency (time to the response head; whole exchange for
// create/start/rm) per kind, with berthd's RSS and open fds before and after.
//   node dist/bench/load/run.js [--requests 1000] [--hold-ms 3000]
import { request, Agent } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../test/support/test-daemon.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const TOTAL = arg('requests', 1000);
const HOLD_MS = arg('hold-ms', 3000);

export interface Sample { rssKiB: number; fds: number }

/** berthd's resident memory and open descriptors, by the pid file it keeps in its exec root. */
export function sampleDaemon(d: TestDaemon): Sample {
  const pid = readFileSync(join(d.dir, 'run', 'berthd.pid'), 'utf8').trim();
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { rssKiB: Number(rss?.[1] ?? 0), fds: readdirSync(`/proc/${pid}/fd`).length };
}

interface Result { kind: string; ok: boolean; ms: number; error?: string }

function call(agent: Agent, socketPath: string, method: string, path: string, o: { body?: object; holdMs?: number } = {}): Promise<{ status: number; headMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const body = o.body ? JSON.stringify(o.body) : undefined;
    const req = request({ agent, socketPath, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const headMs = performance.now() - t0;
      if (o.holdMs !== undefined) {
        res.on('data', () => undefined);
        setTimeout(() => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headMs });
        }, o.holdMs);
        res.on('error', () => undefined);
        return;
      }
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headMs }));
      res.on('error', reject);
    });
    req.on('error', (err) => (o.holdMs !== undefined && req.destroyed ? undefined : reject(err)));
    req.end(body);
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};

async function main(): Promise<void> {
  const d = await startTestDaemon();
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const w = await d.docker(['run', '-d', '--name', 'loadwitness', 'busybox', 'sh', '-c', 'while true; do echo x; sleep 0.5; done']);
    if (w.code !== 0) throw new Error(w.stderr);
    const before = sampleDaemon(d);
    const s = d.socket;
    const v = '/v1.47';
    // Weights out of 100: mostly reads, some streams, a few full container lifecycles.
    const kinds: Array<[string, number, () => Promise<Result>]> = [
      ['list containers', 20, async () => done('list containers', await call(agent, s, 'GET', `${v}/containers/json?all=1`))],
      ['list images', 15, async () => done('list images', await call(agent, s, 'GET', `${v}/images/json`))],
      ['inspect', 20, async () => done('inspect', await call(agent, s, 'GET', `${v}/containers/loadwitness/json`))],
      ['logs follow', 10, async () => done('logs follow', await call(agent, s, 'GET', `${v}/containers/loadwitness/logs?follow=1&stdout=1&tail=5`, { holdMs: HOLD_MS }))],
      ['events', 10, async () => done('events', await call(agent, s, 'GET', `${v}/events`, { holdMs: HOLD_MS }))],
      ['stats stream', 10, async () => done('stats stream', await call(agent, s, 'GET', `${v}/containers/loadwitness/stats?stream=1`, { holdMs: HOLD_MS }))],
      ['version/ping', 10, async () => done('version/ping', await call(agent, s, 'GET', `${v}/version`))],
      ['create/start/rm', 5, async () => {
        const t0 = performance.now();
        let body = '';
        const created = await new Promise<{ status: number }>((resolve, reject) => {
          const req = request({ agent, socketPath: s, method: 'POST', path: `${v}/containers/create`, headers: { 'Content-Type': 'application/json' } }, (res) => {
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          });
          req.on('error', reject);
          req.end(JSON.stringify({ Image: 'busybox', Cmd: ['true'] }));
        });
        if (created.status !== 201) return { kind: 'create/start/rm', ok: false, ms: performance.now() - t0, error: `create ${created.status} ${body}` };
        const id = (JSON.parse(body) as { Id: string }).Id;
        const started = await call(agent, s, 'POST', `${v}/containers/${id}/start`);
        const removed = await call(agent, s, 'DELETE', `${v}/containers/${id}?force=1`);
        const ok = started.status === 204 && removed.status === 204;
        return { kind: 'create/start/rm', ok, ms: performance.now() - t0, ...(ok ? {} : { error: `start ${started.status} rm ${removed.status}` }) };
      }],
    ];
    const plan: Array<() => Promise<Result>> = [];
    for (const [, weight, fn] of kinds) for (let i = 0; i < Math.round((TOTAL * weight) / 100); i++) plan.push(fn);
    const t0 = performance.now();
    const results = await Promise.all(plan.map((fn, i) => fn().catch((err: Error): Result => ({ kind: kinds.find(([, , f]) => f === plan[i])![0], ok: false, ms: performance.now() - t0, error: err.message }))));
    const wall = performance.now() - t0;
    const after = sampleDaemon(d);
    await new Promise((r) => setTimeout(r, 2000));
    const settled = sampleDaemon(d);
    console.log(`bench/load: ${results.length} concurrent requests in ${(wall / 1000).toFixed(1)} s (streams held ${HOLD_MS} ms)`);
    console.log('kind               n    errors  p50 ms  p95 ms  p99 ms  max ms');
    for (const [kind] of kinds) {
      const rs = results.filter((r) => r.kind === kind);
      const ms = rs.map((r) => r.ms);
      const errs = rs.filter((r) => !r.ok);
      console.log(`${kind.padEnd(18)} ${String(rs.length).padStart(4)} ${String(errs.length).padStart(6)} ${pct(ms, 50).toFixed(0).padStart(7)} ${pct(ms, 95).toFixed(0).padStart(7)} ${pct(ms, 99).toFixed(0).padStart(7)} ${Math.max(0, ...ms).toFixed(0).padStart(7)}`);
      for (const e of errs.slice(0, 3)) console.log(`    error: ${e.error}`);
    }
    console.log(`berthd RSS ${before.rssKiB} → ${after.rssKiB} KiB (${settled.rssKiB} 2 s later); fds ${before.fds} → ${after.fds} (${settled.fds} 2 s later)`);
    const warnings = d.logs.split('\n').filter((l) => /MaxListenersExceeded/.test(l));
    console.log(`MaxListenersExceededWarning in berthd's log: ${warnings.length}`);
  } finally {
    agent.destroy();
    await d.stop();
  }
}

function done(kind: string, r: { status: number; headMs: number }): Result {
  const ok = r.status >= 200 && r.status < 300;
  return { kind, ok, ms: r.headMs, ...(ok ? {} : { error: `status ${r.status}` }) };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
