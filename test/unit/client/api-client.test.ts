// The client against a real HTTP server on a unix socket: version negotiation, error bodies,
// the hijacked attach stream, and the wait-before-start ordering run depends on.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../../src/client/api-client.js';
import { ApiError, DaemonUnreachableError } from '../../../src/client/api-error.js';
import { parseHost } from '../../../src/client/host.js';
import { attachContainer, beginWait, createContainer, listContainers } from '../../../src/client/containers.js';
import { demuxStream, encodeFrame } from '../../../src/client/stream-demux.js';

describe('ApiClient over a unix socket', () => {
  let dir: string;
  let server: Server;
  let sock: string;
  const seen: string[] = [];
  let apiVersionHeader = '1.45';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-client-'));
    sock = join(dir, 'api.sock');
    server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/_ping') {
        res.writeHead(200, { 'API-Version': apiVersionHeader, 'Content-Type': 'text/plain' });
        res.end('OK');
        return;
      }
      if (req.url?.includes('/containers/json')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify([{ Id: 'abc', Created: 1 }]));
        return;
      }
      if (req.url?.includes('/containers/create')) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const parsed = JSON.parse(body) as { Image: string };
          if (parsed.Image === 'missing') {
            res.writeHead(404, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ message: 'No such image: missing:latest' }));
            return;
          }
          res.writeHead(201, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ Id: 'c1', Warnings: [] }));
        });
        return;
      }
      if (req.url?.includes('/wait')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        setTimeout(() => res.end(JSON.stringify({ StatusCode: 3 })), 20);
        return;
      }
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'unexpected' }));
    });
    server.on('upgrade', (req, socket) => {
      seen.push(`UPGRADE ${req.url} ${req.headers.upgrade}`);
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      socket.write(encodeFrame(1, 'ready\n'));
      // Echo stdin back on stdout and stderr, then close when stdin ends.
      socket.on('data', (d: Buffer) => {
        socket.write(encodeFrame(1, d));
        socket.write(encodeFrame(2, d.toString().toUpperCase()));
      });
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((r) => server.listen(sock, r));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates the lower API version and prefixes paths', async () => {
    const c = new ApiClient(parseHost(`unix://${sock}`));
    try {
      assert.equal(await c.apiVersion(), '1.45');
      const list = await listContainers(c, { all: true, filters: { status: ['exited'] } });
      assert.equal(list[0]!.Id, 'abc');
      assert.ok(seen.includes('GET /v1.45/containers/json?all=1&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D'), seen.join('\n'));
    } finally {
      c.close();
    }
  });

  it('caps the version at 1.47 when the daemon is newer', async () => {
    apiVersionHeader = '1.50';
    const c = new ApiClient(parseHost(`unix://${sock}`));
    try {
      assert.equal(await c.apiVersion(), '1.47');
    } finally {
      c.close();
      apiVersionHeader = '1.45';
    }
  });

  it('turns error bodies into ApiError with the daemon message', async () => {
    const c = new ApiClient(parseHost(`unix://${sock}`));
    try {
      await assert.rejects(createContainer(c, { Image: 'missing' }), (err: unknown) => err instanceof ApiError && err.statusCode === 404 && err.message === 'No such image: missing:latest');
      assert.deepEqual(await createContainer(c, { Image: 'busybox' }, { name: 'x' }), { Id: 'c1', Warnings: [] });
    } finally {
      c.close();
    }
  });

  it('hijacks attach: stdin goes up, frames come down, half-close ends it', async () => {
    const c = new ApiClient(parseHost(`unix://${sock}`));
    try {
      const h = await attachContainer(c, 'c1', { stream: true, stdin: true, stdout: true, stderr: true });
      assert.equal(h.canWrite, true);
      assert.ok(seen.some((s) => s.startsWith('UPGRADE /v1.45/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1 tcp')));
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const done = demuxStream(h.socket as AsyncIterable<Buffer>, { write: (b: Buffer) => out.push(b) }, { write: (b: Buffer) => err.push(b) }, h.head);
      h.socket.write('abc');
      setTimeout(() => h.socket.end(), 50);
      await done;
      assert.equal(Buffer.concat(out).toString(), 'ready\nabc');
      assert.equal(Buffer.concat(err).toString(), 'ABC');
    } finally {
      c.close();
    }
  });

  it('registers wait before returning and delivers the exit code later', async () => {
    const c = new ApiClient(parseHost(`unix://${sock}`));
    try {
      const { result } = await beginWait(c, 'c1', 'next-exit');
      assert.ok(seen.includes('POST /v1.45/containers/c1/wait?condition=next-exit'));
      assert.deepEqual(await result, { StatusCode: 3 });
    } finally {
      c.close();
    }
  });

  it('reports an absent daemon as DaemonUnreachableError', async () => {
    const c = new ApiClient(parseHost(`unix://${join(dir, 'nobody.sock')}`));
    try {
      await assert.rejects(c.apiVersion(), (err: unknown) => err instanceof DaemonUnreachableError && /Cannot connect to the berth daemon at unix:\/\/.*nobody\.sock/.test(err.message));
    } finally {
      c.close();
    }
  });
});
