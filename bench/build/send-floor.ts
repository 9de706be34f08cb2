// The docker CLI's share of a build: the time `docker build` takes against a server that answers
// _ping, reads the context and throws it away, and replies with a finished build at once. No
// daemon can answer a build faster than this; it is what a cached rebuild can reach.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const FAKE_ID = `sha256:${'0'.repeat(64)}`;

function timeDockerBuild(host: string, dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn('docker', ['build', '-q', '-t', 'bench/floor', dir], { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`docker build against the sink failed: ${err}`))));
  });
}

export interface SendFloor {
  /** Whole `docker build` runs (ms). */
  builds: number[];
  /** From the /build request's start to its last byte, as the sink saw it (ms). */
  bodies: number[];
}

/** Times `rounds` docker builds of `dir` against a discarding sink. */
export async function measureSendFloor(dir: string, rounds: number): Promise<SendFloor> {
  const bodies: number[] = [];
  const sockDir = mkdtempSync('/tmp/berth-bench-sink-');
  const socket = join(sockDir, 'sink.sock');
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[0-9.]+/, '').split('?')[0];
    res.setHeader('Api-Version', '1.47');
    res.setHeader('Ostype', 'linux');
    if (path === '/_ping') {
      req.resume();
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    if (path === '/build' && req.method === 'POST') {
      const t0 = performance.now();
      req.on('end', () => {
        bodies.push(performance.now() - t0);
        res.setHeader('Content-Type', 'application/json');
        res.end(`${JSON.stringify({ aux: { ID: FAKE_ID } })}\n${JSON.stringify({ stream: `${FAKE_ID}\n` })}\n`);
      });
      req.resume();
      return;
    }
    req.resume();
    res.statusCode = 404;
    res.end(JSON.stringify({ message: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    // One build first, not counted: the CLI's and the files' first read.
    await timeDockerBuild(`unix://${socket}`, dir);
    bodies.length = 0;
    const builds: number[] = [];
    for (let i = 0; i < rounds; i++) builds.push(await timeDockerBuild(`unix://${socket}`, dir));
    return { builds, bodies };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(sockDir, { recursive: true, force: true });
  }
}
