// `berth run` against a scripted daemon on a unix socket: the order of API calls docker's CLI
// uses (create → pull on "No such image" → create → attach → wait → start), the multiplexed
// output, stdin forwarding with half-close, and the container's exit code as berth's own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFrame } from '../../../src/client/stream-demux.js';
import { BERTH } from '../../support/repo-paths.js';


interface Scenario {
  imagePresent: boolean;
  startError?: string;
  exitCode: number;
}

describe('berth run flow', () => {
  let dir: string;
  let server: Server;
  let sock: string;
  let calls: string[] = [];
  let scenario: Scenario = { imagePresent: true, exitCode: 0 };
  let releaseOutput: (() => void) | undefined;
  let finishWait: ((code: number) => void) | undefined;
  const upgraded = new Set<import('node:stream').Duplex>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-run-'));
    sock = join(dir, 'd.sock');
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\/v1\.47/, '').split('?')[0]!;
      calls.push(`${req.method} ${path}`);
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (path === '/_ping') {
          res.writeHead(200, { 'API-Version': '1.47' });
          res.end('OK');
        } else if (path === '/containers/create') {
          const cfg = JSON.parse(body) as { Image: string; AttachStdin: boolean; Cmd?: string[] };
          if (!scenario.imagePresent) return json(404, { message: `No such image: ${cfg.Image}:latest` });
          json(201, { Id: 'c0ffee', Warnings: ['memory limit ignored'] });
        } else if (path === '/images/create') {
          scenario.imagePresent = true;
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write(JSON.stringify({ status: 'Pulling from library/busybox', id: 'latest' }) + '\n');
          res.write(JSON.stringify({ status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 } }) + '\n');
          res.write(JSON.stringify({ status: 'Pull complete', id: 'abc', progressDetail: {} }) + '\n');
          res.end(JSON.stringify({ status: 'Status: Downloaded newer image for busybox:latest' }) + '\n');
        } else if (path === '/containers/c0ffee/wait') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.flushHeaders();
          finishWait = (code) => res.end(JSON.stringify({ StatusCode: code }));
        } else if (path === '/containers/c0ffee/start') {
          if (scenario.startError) {
            // A --rm container whose start failed is removed: its wait ends.
            setTimeout(() => finishWait?.(128), 20);
            return json(400, { message: scenario.startError });
          }
          res.writeHead(204);
          res.end();
          releaseOutput?.();
        } else {
          json(404, { message: `unexpected ${path}` });
        }
      });
    });
    server.on('upgrade', (req, socket) => {
      upgraded.add(socket);
      socket.on('close', () => upgraded.delete(socket));
      calls.push(`UPGRADE ${(req.url ?? '').replace(/^\/v1\.47/, '')}`);
      socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      const input: Buffer[] = [];
      let started = false;
      let stdinDone = false;
      const finish = (): void => {
        if (!started || !stdinDone) return;
        socket.write(encodeFrame(1, `got:${Buffer.concat(input).toString()}`));
        socket.end();
        setTimeout(() => finishWait?.(scenario.exitCode), 10);
      };
      releaseOutput = () => {
        started = true;
        socket.write(encodeFrame(1, 'hello from stdout\n'));
        socket.write(encodeFrame(2, 'hello from stderr\n'));
        if (!(req.url ?? '').includes('stdin=1')) stdinDone = true;
        finish();
      };
      socket.on('data', (d: Buffer) => input.push(d));
      socket.on('end', () => {
        stdinDone = true;
        finish();
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(sock, r));
  });

  after(() => {
    for (const s of upgraded) s.destroy();
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BERTH, ...args], { env: { ...process.env, BERTH_HOST: `unix://${sock}` } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      if (stdin !== undefined) child.stdin.end(stdin);
      else child.stdin.end();
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('pulls a missing image, attaches and waits before start, and exits with the container code', async () => {
    calls = [];
    scenario = { imagePresent: false, exitCode: 7 };
    const r = await run(['run', '-i', '--rm', 'busybox', 'cat'], 'typed input');
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, 'hello from stdout\ngot:typed input');
    assert.match(r.stderr, /^Unable to find image 'busybox:latest' locally\nlatest: Pulling from library\/busybox\nabc: Pull complete\nStatus: Downloaded newer image for busybox:latest\nWARNING: memory limit ignored\nhello from stderr\n$/);
    assert.deepEqual(calls, [
      'GET /_ping',
      'POST /containers/create',
      'POST /images/create',
      'POST /containers/create',
      'UPGRADE /containers/c0ffee/attach?stream=1&stdin=1&stdout=1&stderr=1',
      'POST /containers/c0ffee/wait',
      'POST /containers/c0ffee/start',
    ]);
  });

  it('-d starts and prints the full ID', async () => {
    calls = [];
    scenario = { imagePresent: true, exitCode: 0 };
    const r = await run(['run', '-d', 'busybox', 'sleep', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'c0ffee\n');
    assert.deepEqual(calls, ['GET /_ping', 'POST /containers/create', 'POST /containers/c0ffee/start']);
  });

  it('maps start errors to 127 / 126 / 125 with docker wording', async () => {
    for (const [message, code] of [
      ['failed to create task: exec: "nope": executable file not found in $PATH', 127],
      ['exec /etc/passwd: permission denied', 126],
      ['cannot start: something else broke', 125],
    ] as const) {
      scenario = { imagePresent: true, exitCode: 0, startError: message };
      const r = await run(['run', 'busybox', 'nope']);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr, `WARNING: memory limit ignored\nberth: Error response from daemon: ${message}\n\nRun 'berth run --help' for more information\n`);
    }
  });

  it('--rm with a failed start: the daemon error, not the attach stream closing under it', async () => {
    // run closes the attach connection and waits for the removal: the stream's premature close
    // used to escape as an uncaught error (exit 1, Node's stack, no message).
    scenario = { imagePresent: true, exitCode: 0, startError: 'cannot start: no lxcfs' };
    const r = await run(['run', '--rm', 'busybox', 'echo', 'hello']);
    assert.equal(r.code, 125, r.stderr);
    assert.equal(r.stderr, "WARNING: memory limit ignored\nberth: Error response from daemon: cannot start: no lxcfs\n\nRun 'berth run --help' for more information\n");
  });
});
