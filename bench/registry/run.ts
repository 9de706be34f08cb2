// Registry benchmark (on demand): the same load against `berth registry` and the CNCF registry
// (Debian's docker-registry) in one run.
//   node dist/bench/registry/run.js [--size-mb 256] [--gets 2000] [--concurrency 16] [--rounds 3]
//     [--only berth|cncf] [--berth-log FILE] [--berth-prof DIR]
// Figures: upload and download of one large blob (MB/s), manifest GETs by tag (requests/s, p99).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '256' },
    gets: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    'berth-log': { type: 'string' },
    /** Directory for a V8 CPU profile of the berth server (written when it exits). */
    'berth-prof': { type: 'string' },
  },
});
const SIZE_MB = Number(values['size-mb']);
const GETS = Number(values.gets);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const CHUNK = randomBytes(4 << 20);
const CHUNKS = Math.ceil((SIZE_MB << 20) / CHUNK.length);

function bigDigest(): string {
  const h = createHash('sha256');
  for (let i = 0; i < CHUNKS; i++) h.update(CHUNK);
  return 'sha256:' + h.digest('hex');
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
  dir: string;
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/v2/`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

async function startBerth(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-berth-'));
  const port = await freePort();
  const main = resolve(import.meta.dirname, '../../src/registry/server/main.js');
  const log = values['berth-log'] ? openSync(values['berth-log'], 'w') : 'ignore';
  const prof = values['berth-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['berth-prof']] : [];
  const child = spawn(process.execPath, [...prof, main, 'serve', '--addr', `127.0.0.1:${port}`, '--root', dir], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url);
  return { name: 'berth registry', url, child, dir };
}

async function startCncf(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cncf-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  cache:',
    '    blobdescriptor: inmemory',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url);
  return { name: 'docker-registry (CNCF)', url, child, dir };
}

async function stop(t: Target): Promise<void> {
  const exited = new Promise((r) => t.child.once('exit', r));
  t.child.kill('SIGTERM');
  await exited;
  rmSync(t.dir, { recursive: true, force: true });
}

/** Upload in the docker client's way: POST, one streamed PATCH, PUT ?digest. Returns MB/s. */
async function upload(pool: Pool, repo: string, digest: string): Promise<number> {
  const t0 = performance.now();
  const post = await pool.request({ path: `/v2/${repo}/blobs/uploads/`, method: 'POST' });
  await post.body.dump();
  const loc = String(post.headers['location']);
  const path = loc.startsWith('http') ? new URL(loc).pathname + new URL(loc).search : loc;
  const body = Readable.from((function* () {
    for (let i = 0; i < CHUNKS; i++) yield CHUNK;
  })());
  const patch = await pool.request({ path, method: 'PATCH', body, headers: { 'content-type': 'application/octet-stream' } });
  await patch.body.dump();
  if (patch.statusCode !== 202) throw new Error(`PATCH ${patch.statusCode}`);
  const loc2 = String(patch.headers['location']);
  const u = new URL(loc2, 'http://x');
  u.searchParams.set('digest', digest);
  const put = await pool.request({ path: u.pathname + u.search, method: 'PUT' });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`PUT ${put.statusCode}`);
  return (CHUNKS * CHUNK.length) / (1 << 20) / ((performance.now() - t0) / 1000);
}

async function download(pool: Pool, repo: string, digest: string): Promise<number> {
  const t0 = performance.now();
  const res = await pool.request({ path: `/v2/${repo}/blobs/${digest}`, method: 'GET' });
  let n = 0;
  for await (const c of res.body) n += (c as Buffer).length;
  if (n !== CHUNKS * CHUNK.length) throw new Error(`download got ${n} bytes`);
  return n / (1 << 20) / ((performance.now() - t0) / 1000);
}

async function pushSmall(pool: Pool, repo: string, data: Buffer): Promise<string> {
  // POST then PUT with the body: the CNCF registry 2.8 has no single-request POST ?digest=.
  const d = 'sha256:' + createHash('sha256').update(data).digest('hex');
  const post = await pool.request({ path: `/v2/${repo}/blobs/uploads/`, method: 'POST' });
  await post.body.dump();
  const u = new URL(String(post.headers['location']), 'http://x');
  u.searchParams.set('digest', d);
  const res = await pool.request({ path: u.pathname + u.search, method: 'PUT', body: data });
  await res.body.dump();
  if (res.statusCode !== 201) throw new Error(`monolithic push ${res.statusCode}`);
  return d;
}

async function pushManifest(pool: Pool, repo: string, layer: string): Promise<void> {
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const cd = await pushSmall(pool, repo, config);
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cd, size: config.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer, size: CHUNKS * CHUNK.length }],
  });
  const res = await pool.request({ path: `/v2/${repo}/manifests/latest`, method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' } });
  await res.body.dump();
  if (res.statusCode !== 201) throw new Error(`manifest push ${res.statusCode}`);
}

async function manifestGets(pool: Pool, repo: string): Promise<{ rps: number; p99: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < GETS) {
      next++;
      const s = performance.now();
      const res = await pool.request({ path: `/v2/${repo}/manifests/latest`, method: 'GET', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`manifest GET ${res.statusCode}`);
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { rps: GETS / secs, p99: lat[Math.floor(lat.length * 0.99)]! };
}

interface Figures {
  upload: number;
  download: number;
  rps: number;
  p99: number;
  /** Server CPU (user+system, all threads) per operation: robust to a busy machine. */
  uploadCpuMs: number;
  downloadCpuMs: number;
  getCpuUs: number;
}

/** CPU time (ms) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function emptyFigures(): Figures {
  return { upload: 0, download: 0, rps: 0, p99: Infinity, uploadCpuMs: Infinity, downloadCpuMs: Infinity, getCpuUs: Infinity };
}

/** One round against one target; keeps the best of each figure in `best`. */
async function round(pool: Pool, pid: number, r: number, digest: string, best: Figures): Promise<void> {
  const repo = `bench/round${r}`;
  let c = cpuMs(pid);
  best.upload = Math.max(best.upload, await upload(pool, repo, digest));
  best.uploadCpuMs = Math.min(best.uploadCpuMs, cpuMs(pid) - c);
  c = cpuMs(pid);
  best.download = Math.max(best.download, await download(pool, repo, digest));
  best.downloadCpuMs = Math.min(best.downloadCpuMs, cpuMs(pid) - c);
  await pushManifest(pool, repo, digest);
  await manifestGets(pool, repo); // warm-up
  c = cpuMs(pid);
  const g = await manifestGets(pool, repo);
  best.getCpuUs = Math.min(best.getCpuUs, ((cpuMs(pid) - c) * 1000) / GETS);
  if (g.rps > best.rps) {
    best.rps = g.rps;
    best.p99 = g.p99;
  }
}

async function main(): Promise<void> {
  const digest = bigDigest();
  console.log(`blob ${CHUNKS * 4} MiB, ${GETS} manifest GETs at ${CONCURRENCY} concurrent clients, best of ${ROUNDS} rounds`);
  const starters = values.only === 'berth' ? [startBerth] : values.only === 'cncf' ? [startCncf] : [startBerth, startCncf];
  const targets: Target[] = [];
  const pools: Pool[] = [];
  const results: Array<[string, Figures]> = [];
  try {
    for (const start of starters) {
      const t = await start();
      targets.push(t);
      pools.push(new Pool(t.url, { connections: CONCURRENCY, pipelining: 1, bodyTimeout: 0, headersTimeout: 0 }));
      results.push([t.name, emptyFigures()]);
    }
    // Rounds alternate between the registries (and which goes first), so a busy moment of the
    // machine does not land on one of them only.
    for (let r = 0; r < ROUNDS; r++) {
      const order = results.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) await round(pools[i]!, targets[i]!.child.pid!, r, digest, results[i]![1]);
    }
  } finally {
    for (const p of pools) await p.close();
    for (const t of targets) await stop(t);
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(pad('', 24) + pad('upload MB/s', 13) + pad('download MB/s', 15) + pad('manifest GET/s', 16) + pad('p99 ms', 9) +
    pad('CPU ms/upload', 15) + pad('CPU ms/download', 17) + 'CPU us/GET');
  for (const [name, f] of results) {
    console.log(pad(name, 24) + pad(f.upload.toFixed(0), 13) + pad(f.download.toFixed(0), 15) + pad(f.rps.toFixed(0), 16) +
      pad(f.p99.toFixed(2), 9) + pad(f.uploadCpuMs.toFixed(0), 15) + pad(f.downloadCpuMs.toFixed(0), 17) + f.getCpuUs.toFixed(0));
  }
  if (results.length < 2) return;
  const [b, c] = [results[0]![1], results[1]![1]];
  console.log(`berth / CNCF (higher is better for berth): upload ${(b.upload / c.upload).toFixed(2)}x, download ${(b.download / c.download).toFixed(2)}x, ` +
    `manifest GET/s ${(b.rps / c.rps).toFixed(2)}x, p99 ${(c.p99 / b.p99).toFixed(2)}x; server CPU per op (CNCF/berth): ` +
    `upload ${(c.uploadCpuMs / b.uploadCpuMs).toFixed(2)}x, download ${(c.downloadCpuMs / b.downloadCpuMs).toFixed(2)}x, GET ${(c.getCpuUs / b.getCpuUs).toFixed(2)}x`);
}

await main();
