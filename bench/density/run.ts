// bench/density: memory berth spends per container. Starts N `sleep` containers on a test berthd
// and reports the resident memory of berth's own processes (berthd, one conmon and one seccomp agent per container,
// lxcfs) before and after, as RSS and PSS (shared pages split among their users), per container.
// Where a docker daemon answers on /var/run/docker.sock, the same for dockerd, containerd and the
// shims.
//   node dist/bench/density/run.js [--count 50]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { startTestDaemon, type TestDaemon } from '../../test/support/test-daemon.js';

const count = Number(process.argv[process.argv.indexOf('--count') + 1] || 50);

interface Proc {
  pid: number;
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
      const rollup = existsSync(`/proc/${name}/smaps_rollup`) ? readFileSync(`/proc/${name}/smaps_rollup`, 'utf8') : '';
      const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? rss);
      out.push({ pid: Number(name), comm, args, rssKiB: rss, pssKiB: pss });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

interface Tally {
  [group: string]: { n: number; rss: number; pss: number };
}

function tally(procs: Proc[], group: (p: Proc) => string | undefined): Tally {
  const t: Tally = {};
  for (const p of procs) {
    const g = group(p);
    if (!g) continue;
    const e = (t[g] ??= { n: 0, rss: 0, pss: 0 });
    e.n++;
    e.rss += p.rssKiB;
    e.pss += p.pssKiB;
  }
  return t;
}

const sum = (t: Tally, k: 'rss' | 'pss'): number => Object.values(t).reduce((a, e) => a + e[k], 0);
const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

function report(title: string, before: Tally, after: Tally, n: number): void {
  console.log(`\n${title}`);
  const groups = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const g of groups) {
    const b = before[g] ?? { n: 0, rss: 0, pss: 0 };
    const a = after[g] ?? { n: 0, rss: 0, pss: 0 };
    console.log(`  ${g.padEnd(22)} ${String(b.n).padStart(3)} → ${String(a.n).padStart(3)} procs   RSS ${mib(b.rss).padStart(10)} → ${mib(a.rss).padStart(10)}   PSS ${mib(b.pss).padStart(10)} → ${mib(a.pss).padStart(10)}`);
  }
  const dRss = sum(after, 'rss') - sum(before, 'rss');
  const dPss = sum(after, 'pss') - sum(before, 'pss');
  console.log(`  per container: RSS ${(dRss / n).toFixed(0)} KiB, PSS ${(dPss / n).toFixed(0)} KiB   (total +${mib(dRss)} RSS, +${mib(dPss)} PSS for ${n})`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 2000));
}

async function berth(d: TestDaemon): Promise<void> {
  const mine = (p: Proc): string | undefined => {
    if (!p.args.includes(d.dir)) return undefined;
    if (p.comm === 'conmon') return 'conmon';
    if (p.comm === 'lxcfs') return 'lxcfs';
    if (p.comm.startsWith('berth-seccomp')) return 'seccomp agent';
    if (p.args.includes('berthd')) return 'berthd';
    return undefined;
  };
  const env = { DOCKER_HOST: d.host };
  run('docker', ['run', '--rm', 'busybox', 'true'], env); // warm-up
  await settle();
  const before = tally(processes(), mine);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) run('docker', ['run', '-d', '--name', `dense${i}`, 'busybox', 'sleep', '1000000'], env);
  const startMs = performance.now() - t0;
  await settle();
  const after = tally(processes(), mine);
  report(`berth: ${count} busybox sleep containers (started in ${(startMs / 1000).toFixed(1)} s through the docker CLI)`, before, after, count);
  const cgroupKiB = readdirSync(`/sys/fs/cgroup/memory/berth-${d.tag}`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .reduce((a, e) => a + Number(readFileSync(`/sys/fs/cgroup/memory/berth-${d.tag}/${e.name}/memory.usage_in_bytes`, 'utf8')) / 1024, 0);
  console.log(`  the containers themselves (cgroup memory.usage, page cache included): ${mib(cgroupKiB)}, ${(cgroupKiB / count).toFixed(0)} KiB each`);
}

async function docker(): Promise<void> {
  const host = 'unix:///var/run/docker.sock';
  if (!existsSync('/var/run/docker.sock') || spawnSync('docker', ['-H', host, 'version'], { stdio: 'ignore' }).status !== 0) {
    console.log('\ndocker: no daemon answers on /var/run/docker.sock: figures skipped');
    return;
  }
  const env = { DOCKER_HOST: host };
  const theirs = (p: Proc): string | undefined =>
    p.comm === 'dockerd' ? 'dockerd' : p.comm === 'containerd' ? 'containerd' : p.comm.startsWith('containerd-shim') ? 'containerd-shim' : undefined;
  if (spawnSync('docker', ['-H', host, 'image', 'inspect', 'busybox'], { stdio: 'ignore' }).status !== 0) {
    spawnSync('sh', ['-c', `node ${process.argv[1]!.replace(/bench\/density\/run\.js$/, 'src/image/busybox-rootfs.js')} | docker -H ${host} import -c 'CMD ["sh"]' - busybox:latest`], { stdio: 'ignore' });
  }
  run('docker', ['run', '--rm', 'busybox', 'true'], env);
  await settle();
  const before = tally(processes(), theirs);
  const names: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const name = `berth-density-${process.pid}-${i}`;
      run('docker', ['run', '-d', '--name', name, 'busybox', 'sleep', '1000000'], env);
      names.push(name);
    }
    await settle();
    report(`docker: ${count} busybox sleep containers`, before, tally(processes(), theirs), count);
  } finally {
    if (names.length) spawnSync('docker', ['-H', host, 'rm', '-f', ...names], { stdio: 'ignore' });
  }
}

async function main(): Promise<void> {
  const d = await startTestDaemon();
  try {
    await berth(d);
  } finally {
    await d.stop();
  }
  await docker();
}

void main();
