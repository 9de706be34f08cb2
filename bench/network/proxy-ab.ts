// Port-proxy relays side by side (on demand): `node dist/bench/network/proxy-ab.js [rounds]`
// Host → proxy on 127.0.0.1 → sink on 127.0.0.1, for berth's splice relay, its stream relay and, when
// installed, docker's userland proxy binary; rounds alternate so load from elsewhere hits all alike.
// Prints the median throughput (MiB/s), the relay's CPU time per MiB (robust to load from elsewhere) and request latency p50/p99 (µs) of each.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { listenTcp, type Listener } from '../../src/network/port-proxy.js';

const execFileP = promisify(execFile);
const peer = new URL('./tcp-peer.js', import.meta.url).pathname;
const ROUNDS = Number(process.argv[2] ?? 5);
const MIB = Number(process.env.BENCH_MIB ?? 512);
const PINGS = Number(process.env.BENCH_PINGS ?? 2000);

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

const run = async (...args: string[]): Promise<string> => (await execFileP(process.execPath, [peer, ...args])).stdout.trim();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sinkPort = await freePort();
const sink = spawn(process.execPath, [peer, 'sink', String(sinkPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => sink.stdout!.once('data', r));
const target = { ip: '127.0.0.1', port: sinkPort };

// cpu(): CPU time the relay has used so far, µs (all threads of the process it runs in).
interface Proxy { port: number; cpu(): number; stop(): Promise<void> }
const ownCpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const TICK_US = 1e6 / 100;
const kinds: Record<string, () => Promise<Proxy>> = {
  splice: async () => wrap(await listenTcp('127.0.0.1', 0, target, { relay: 'splice' })),
  stream: async () => wrap(await listenTcp('127.0.0.1', 0, target, { relay: 'stream' })),
};
function wrap(l: Listener): Proxy {
  return { port: l.hostPort, cpu: ownCpu, stop: () => l.close() };
}
try {
  await execFileP('docker-proxy', ['--help']).catch((e: { stderr?: string }) => {
    if (!String(e.stderr ?? '').includes('container-ip')) throw e;
  });
  kinds['docker-proxy'] = async () => {
    const port = await freePort();
    // It reports on descriptor 3: "0\n" once listening, "1\n<error>" otherwise.
    const child: ChildProcess = spawn('docker-proxy', ['-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(port), '-container-ip', '127.0.0.1', '-container-port', String(sinkPort)], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const status = await new Promise<string>((r) => (child.stdio[3] as NodeJS.ReadableStream).once('data', (d) => r(String(d))));
    if (!status.startsWith('0')) throw new Error(`docker-proxy: ${status}`);
    const cpu = (): number => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) * TICK_US;
    };
    return { port, cpu, stop: async () => void child.kill('SIGKILL') };
  };
} catch {
  // docker's proxy is not installed: compare berth's two relays only
}

const figures = new Map<string, { mib: number[]; cpu: number[]; p50: number[]; p99: number[] }>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, start] of Object.entries(kinds)) {
      const p = await start();
      try {
        const f = figures.get(name) ?? { mib: [], cpu: [], p50: [], p99: [] };
        figures.set(name, f);
        const c0 = p.cpu();
        f.mib.push(Number(await run('send', '127.0.0.1', String(p.port), String(MIB))));
        f.cpu.push((p.cpu() - c0) / MIB);
        const [p50, p99] = (await run('ping', '127.0.0.1', String(p.port), String(PINGS))).split(' ').map(Number);
        f.p50.push(p50!);
        f.p99.push(p99!);
      } finally {
        await p.stop();
      }
    }
  }
} finally {
  sink.kill('SIGKILL');
}
console.log(`${'relay'.padEnd(14)}${'MiB/s'.padStart(8)}${'cpu µs/MiB'.padStart(12)}${'p50 µs'.padStart(9)}${'p99 µs'.padStart(9)}   (median of ${ROUNDS} rounds, ${MIB} MiB, ${PINGS} pings)`);
for (const [name, f] of figures) {
  console.log(`${name.padEnd(14)}${String(median(f.mib)).padStart(8)}${median(f.cpu).toFixed(0).padStart(12)}${String(median(f.p50)).padStart(9)}${String(median(f.p99)).padStart(9)}`);
}
