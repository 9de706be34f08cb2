// bench/seccomp-agent: what the per-container seccomp agent (sysinfo/sched_getaffinity answered from
// the container's cgroups) costs. Interleaved on one daemon:
//  - `docker run --rm busybox true` with the agent (docker's default profile) and without it (the same
//    profile given as a custom one, which gets no agent; lxcfs mounts are the same in both);
//  - 200 × `nproc` and `free` inside a --cpus 1 -m 64m container, with and without;
//  - the resident memory of one agent.
//   node dist/bench/seccomp-agent/run.js [--runs 15]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSeccompProfile } from '../../src/runtime/seccomp/default-profile.js';
import { startTestDaemon } from '../../test/support/test-daemon.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 15);

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync('docker', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function agentPid(root: string): number | undefined {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.includes('berth-seccomp-agent') && cmd.includes(root)) return Number(e);
    } catch {
      // gone
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const d = await startTestDaemon();
  try {
    const env = { DOCKER_HOST: d.host };
    const profile = join(d.dir, 'default-profile.json');
    writeFileSync(profile, JSON.stringify(defaultSeccompProfile()));
    const without = ['--security-opt', `seccomp=${profile}`];
    const series: Record<string, number[]> = { 'run --rm busybox true, agent': [], 'run --rm busybox true, no agent': [] };
    time(['run', '--rm', 'busybox', 'true'], env); // warm-up
    for (let i = 0; i < runs; i++) {
      series['run --rm busybox true, agent']!.push(time(['run', '--rm', 'busybox', 'true'], env));
      series['run --rm busybox true, no agent']!.push(time(['run', '--rm', ...without, 'busybox', 'true'], env));
    }
    const loop = 'i=0; while [ $i -lt 200 ]; do nproc >/dev/null; free >/dev/null; i=$((i+1)); done';
    const limits = ['--cpus', '1', '-m', '64m'];
    series['200 × nproc+free in a container, agent'] = [];
    series['200 × nproc+free in a container, no agent'] = [];
    for (let i = 0; i < 3; i++) {
      series['200 × nproc+free in a container, agent']!.push(time(['run', '--rm', ...limits, 'busybox', 'sh', '-c', loop], env));
      series['200 × nproc+free in a container, no agent']!.push(time(['run', '--rm', ...limits, ...without, 'busybox', 'sh', '-c', loop], env));
    }
    console.log(`seccomp agent, ${runs} runs (3 for the loops), interleaved`);
    for (const [name, xs] of Object.entries(series)) {
      console.log(`${name.padEnd(42)} median ${median(xs).toFixed(0).padStart(5)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)} ms`);
    }
    time(['run', '-d', '--name', 'rss', ...limits, 'busybox', 'sleep', '60'], env);
    time(['exec', 'rss', 'sh', '-c', 'free; nproc'], env);
    const pid = agentPid(d.dir);
    if (pid) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (text: string, key: string): string => new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? '?';
      const priv = Number(kb(rollup, 'Private_Clean')) + Number(kb(rollup, 'Private_Dirty'));
      console.log(`agent memory: RSS ${kb(status, 'VmRSS')} kB, PSS ${kb(rollup, 'Pss')} kB, private ${priv} kB (the binary's pages are shared by all agents)`);
    }
    time(['rm', '-f', 'rss'], env);
  } finally {
    await d.stop();
  }
}

void main();
