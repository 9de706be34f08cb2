// Network benchmark (on demand): `node dist/bench/network/run.js`
// Measures, on berth's own networks: attach/detach latency (spare sandbox, fresh CNI ADD), container-to-
// container TCP throughput and request latency over a bridge, and host-to-published-port throughput
// and latency (through the port proxy). Where a docker daemon answers, the docker figures are printed
// beside (same peers, in docker containers' network namespaces), measured in alternating rounds.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/db/database.js';
import { NetworkService } from '../../src/network/mod.js';
import { MNT_DETACH, umount2Sync } from '../../src/sys/syscalls.js';

const execFileP = promisify(execFile);
const peer = new URL('./tcp-peer.js', import.meta.url).pathname;
const MIB = Number(process.env.BENCH_MIB ?? 1024);
const PINGS = Number(process.env.BENCH_PINGS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DOCKER_HOST = process.env.BENCH_DOCKER_HOST ?? 'unix:///var/run/docker.sock';

function startSink(prefix: string[], port: number): Promise<() => void> {
  const child = spawn(prefix[0]!, [...prefix.slice(1), process.execPath, peer, 'sink', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(() => child.kill('SIGKILL'))));
}

async function client(prefix: string[], args: string[]): Promise<string> {
  const argv = [...prefix, process.execPath, peer, ...args];
  return (await execFileP(argv[0]!, argv.slice(1))).stdout.trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median of figures of one or more space-separated numbers, number by number. */
function medianFigure(runs: string[]): string {
  const parts = runs.map((r) => r.split(' ').map(Number));
  return parts[0]!.map((_, i) => median(parts.map((p) => p[i]!)).toFixed(0)).join(' ');
}

/** Throughput and request latency, container→container and host→published port, in the row order. */
async function measure(inClient: string[], srvIp: string, hostPort: string): Promise<string[]> {
  return [
    await client(inClient, ['send', srvIp, '5001', String(MIB)]),
    await client(inClient, ['ping', srvIp, '5001', String(PINGS)]),
    await client([], ['send', '127.0.0.1', hostPort, String(MIB)]),
    await client([], ['ping', '127.0.0.1', hostPort, String(PINGS)]),
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'berth-netbench-'));
const db = openDatabase(join(dir, 'db'));
const tag = `bb${(process.pid % 10000).toString(36)}`;
const svc = new NetworkService({
  db, runDir: join(dir, 'run'), bridgePrefix: tag, defaultBridgeName: `${tag}0`, defaultSubnet: '10.231.240.0/24',
  addressPools: [{ base: '10.231.241.0/24', size: 24 }], chainPrefix: tag.toUpperCase(), spareSandboxes: 2,
});
const rows: [string, string][] = [];
const dockerRuns: string[][] = [];
let dockerNote = '';
try {
  await svc.init();
  await svc.reconcile([]);
  await svc.idle();
  // Attach latency: from a spare sandbox, and with a CNI ADD on the user network.
  const spare: number[] = [];
  const fresh: number[] = [];
  const detach: number[] = [];
  await svc.create({ Name: `${tag}-net` });
  for (let i = 0; i < 10; i++) {
    for (const [mode, list] of [['default', spare], [`${tag}-net`, fresh]] as const) {
      const id = `${i}${mode === 'default' ? 'a' : 'b'}`.padEnd(64, '0');
      let t = process.hrtime.bigint();
      await svc.attachContainer({ id, name: id.slice(0, 8), hostname: 'b', hostConfig: { NetworkMode: mode }, filesDir: join(dir, 'f', id) });
      list.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await svc.detachContainer(id);
      detach.push(Number(process.hrtime.bigint() - t) / 1e6);
      await svc.idle();
    }
  }
  rows.push(['attach, default bridge (spare sandbox), ms', median(spare).toFixed(1)]);
  rows.push(['attach, user network (netns + CNI ADD), ms', median(fresh).toFixed(1)]);
  rows.push(['detach (on the caller\'s path), ms', median(detach).toFixed(1)]);

  const a = await svc.attachContainer({ id: 'a'.repeat(64), name: 'srv', hostname: 'srv', hostConfig: { NetworkMode: `${tag}-net`, PortBindings: { '5001/tcp': [{ HostIp: '127.0.0.1' }] } }, filesDir: join(dir, 'f', 'a') });
  const b = await svc.attachContainer({ id: 'b'.repeat(64), name: 'cli', hostname: 'cli', hostConfig: { NetworkMode: `${tag}-net` }, filesDir: join(dir, 'f', 'b') });
  const srvIp = a.networkSettings.Networks[`${tag}-net`]!.IPAddress!;
  const hostPort = a.networkSettings.Ports['5001/tcp']![0]!.HostPort;
  const stop = await startSink(['nsenter', `--net=${a.netnsPath}`], 5001);
  try {
    const inB = ['nsenter', `--net=${b.netnsPath}`];
    const docker = await dockerSide();
    try {
      // Rounds alternate between berth and docker, so load from elsewhere on the machine hits both alike;
      // each figure is the median over the rounds.
      const berthRuns: string[][] = [];
      for (let r = 0; r < ROUNDS; r++) {
        berthRuns.push(await measure(inB, srvIp, hostPort));
        if (docker.measure) dockerRuns.push(await docker.measure());
      }
      const names = ['container→container TCP throughput, MiB/s', 'container→container request latency p50/p99, µs', 'host→published port (127.0.0.1) throughput, MiB/s', 'host→published port request latency p50/p99, µs'];
      names.forEach((n, i) => rows.push([n, medianFigure(berthRuns.map((run) => run[i]!))]));
      dockerNote = docker.note;
    } finally {
      await docker.cleanup();
    }
  } finally {
    stop();
  }
  await svc.detachContainer('a'.repeat(64));
  await svc.detachContainer('b'.repeat(64));
} finally {
  await svc.destroyAll();
  try {
    umount2Sync(join(dir, 'run', 'netns'), MNT_DETACH);
  } catch {
    // not mounted
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
}


interface DockerSide {
  measure?: () => Promise<string[]>;
  note: string;
  cleanup(): Promise<void>;
}

// The same peers, in the network namespaces of two docker containers on a docker user network.
async function dockerSide(): Promise<DockerSide> {
  const dk = (...args: string[]): Promise<string> => execFileP('docker', ['-H', DOCKER_HOST, ...args], { timeout: 60_000 }).then((r) => r.stdout.trim());
  try {
    await dk('info', '--format', '{{.ServerVersion}}');
  } catch {
    return { note: `no docker daemon answers on ${DOCKER_HOST}: docker figures skipped`, cleanup: async () => undefined };
  }
  const net = `${tag}-dnet`;
  let stop = (): void => undefined;
  const cleanup = async (): Promise<void> => {
    stop();
    await dk('rm', '-f', `${tag}-srv`, `${tag}-cli`).catch(() => '');
    await dk('network', 'rm', net).catch(() => '');
  };
  try {
    await dk('network', 'create', '--subnet', '10.231.250.0/24', net);
    await dk('run', '-d', '--name', `${tag}-srv`, '--network', net, '-p', '127.0.0.1::5001', 'busybox', 'sleep', '1000');
    await dk('run', '-d', '--name', `${tag}-cli`, '--network', net, 'busybox', 'sleep', '1000');
    const pid = async (n: string): Promise<string> => dk('inspect', '-f', '{{.State.Pid}}', n);
    const inSrv = ['nsenter', `--net=/proc/${await pid(`${tag}-srv`)}/ns/net`];
    const inCli = ['nsenter', `--net=/proc/${await pid(`${tag}-cli`)}/ns/net`];
    const srvIp = await dk('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, `${tag}-srv`);
    const hostPort = (await dk('port', `${tag}-srv`, '5001/tcp')).split('\n')[0]!.split(':').pop()!;
    stop = await startSink(inSrv, 5001);
    return { measure: () => measure(inCli, srvIp, hostPort), note: '', cleanup };
  } catch (err) {
    await cleanup();
    return { note: `docker side failed: ${(err as Error).message.split('\n')[0]}`, cleanup: async () => undefined };
  }
}

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`${''.padEnd(width)}  ${'berth'.padStart(10)}  ${dockerRuns.length ? 'docker'.padStart(10) : ''}`);
rows.forEach(([k, v], i) => {
  const d = i >= 3 && dockerRuns.length ? medianFigure(dockerRuns.map((run) => run[i - 3]!)) : '';
  console.log(`${k.padEnd(width)}  ${v.padStart(10)}  ${d.padStart(10)}`);
});
if (dockerNote) console.log(`(${dockerNote})`);
else console.log(`(medians of ${ROUNDS} alternating berth/docker rounds, ${MIB} MiB, ${PINGS} pings)`);
