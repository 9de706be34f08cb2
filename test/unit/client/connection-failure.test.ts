// A daemon that closes connections early (starting, stopping, a keep-alive connection it dropped):
// every such failure reaches the CLI as docker's error, never as a stream's own error event, and a
// GET on a reused keep-alive connection that turns out closed is sent again on a fresh one.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient, readBody } from '../../../src/client/api-client.js';
import { DaemonConnectionError, DaemonUnreachableError } from '../../../src/client/api-error.js';
import { requestFailure, requestLabel } from '../../../src/client/connection-failure.js';
import { parseHost } from '../../../src/client/host.js';
import { attachContainer } from '../../../src/client/containers.js';
import { demuxStream } from '../../../src/client/stream-demux.js';
import { readJsonStream } from '../../../src/client/json-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-broken-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A raw server on a unix socket: `onConnection` decides what each connection gets. */
async function rawServer(name: string, onConnection: (socket: Socket, n: number) => void, pauseOnConnect = false): Promise<{ sock: string; server: Server; close(): Promise<void> }> {
  const sock = join(dir, name);
  const sockets = new Set<Socket>();
  let n = 0;
  const server = createNetServer({ pauseOnConnect }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s, n++);
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return {
    sock,
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const PING = 'HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nContent-Length: 2\r\n\r\nOK';

/** Answers the first request of each connection with a ping, then does `then` with the next one. */
function pingThen(then: (s: Socket) => void): (s: Socket) => void {
  return (s) => {
    let requests = 0;
    s.on('data', () => {
      if (requests++ === 0) s.write(PING);
      else then(s);
    });
  };
}

describe('a connection the daemon breaks', () => {
  let uncaught: unknown[];
  const onUncaught = (err: unknown): void => {
    uncaught.push(err);
  };
  before(() => {
    uncaught = [];
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });
  after(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    assert.deepEqual(uncaught, [], 'no error escaped as an event or rejection');
  });

  it('names the request as docker does', () => {
    assert.equal(requestLabel(parseHost('unix:///run/berth/berth.sock'), false, 'GET', '/v1.47/containers/json'), 'Get "http://%2Frun%2Fberth%2Fberth.sock/v1.47/containers/json"');
    assert.equal(requestLabel(parseHost('tcp://10.0.0.1:2376'), true, 'POST', '/v1.47/containers/create'), 'Post "https://10.0.0.1:2376/v1.47/containers/create"');
    const host = parseHost('unix:///x.sock');
    assert.ok(requestFailure(host, false, 'GET', '/_ping', Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' })) instanceof DaemonUnreachableError);
    assert.equal(requestFailure(host, false, 'GET', '/_ping', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).message, 'error during connect: Get "http://%2Fx.sock/_ping": EOF');
    assert.equal(requestFailure(host, false, 'GET', '/_ping', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).message, 'error during connect: Get "http://%2Fx.sock/_ping": connection reset by peer');
  });

  it('closed before any answer: error during connect … EOF (buffered calls)', async () => {
    const srv = await rawServer('closes.sock', (s) => s.once('data', () => s.destroy()));
    const c = new ApiClient(parseHost(`unix://${srv.sock}`), undefined, '1.47');
    try {
      await assert.rejects(c.json('GET', '/containers/json'), (err: unknown) =>
        err instanceof DaemonConnectionError && err.message === `error during connect: Get "http://${encodeURIComponent(srv.sock)}/v1.47/containers/json": EOF`);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('closed in the middle of an answer: unexpected EOF (buffered and streamed calls)', async () => {
    const srv = await rawServer('half.sock', (s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"Id":');
        setTimeout(() => s.destroy(), 10);
      }));
    const c = new ApiClient(parseHost(`unix://${srv.sock}`), undefined, '1.47');
    try {
      await assert.rejects(c.json('GET', '/containers/json'), (err: unknown) => err instanceof DaemonConnectionError && /: unexpected EOF$/.test(err.message));
      const res = await c.send('GET', '/events');
      // The reader comes late: the error waits for it instead of escaping as an event.
      await new Promise((r) => setTimeout(r, 50));
      await assert.rejects(readBody(res), (err: unknown) => err instanceof DaemonConnectionError && err.message === 'unexpected EOF');
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('a JSON stream broken off mid-way: the messages before it, then unexpected EOF', async () => {
    const srv = await rawServer('events.sock', (s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
        s.write('d\r\n{"status":1}\n\r\n');
        setTimeout(() => s.destroy(), 20);
      }));
    const c = new ApiClient(parseHost(`unix://${srv.sock}`), undefined, '1.47');
    try {
      const seen: unknown[] = [];
      await assert.rejects(
        (async () => {
          for await (const m of readJsonStream(await c.send('GET', '/events'))) seen.push(m);
        })(),
        (err: unknown) => err instanceof DaemonConnectionError && err.message === 'unexpected EOF',
      );
      assert.deepEqual(seen, [{ status: 1 }]);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('sends a GET again when the reused keep-alive connection was closed; not a POST', async () => {
    // Each connection answers its first request, and is closed on the second, unanswered:
    // what a client sees when the daemon dropped the idle connection as the request went out.
    const srv = await rawServer('stale.sock', pingThen((s) => s.destroy()));
    const c = new ApiClient(parseHost(`unix://${srv.sock}`), undefined, '1.47');
    try {
      await readBody(await c.send('GET', '/_ping', { unversioned: true }));
      const again = await c.send('GET', '/_ping', { unversioned: true });
      assert.equal((await readBody(again)).toString(), 'OK');
      await assert.rejects(c.send('POST', '/containers/x/wait'), (err: unknown) => err instanceof DaemonConnectionError && /^error during connect: Post "http:\/\/.*\/v1\.47\/containers\/x\/wait": EOF$/.test(err.message));
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('an attach connection reset before its reader starts does not escape', async () => {
    // The server never reads: a unix socket closed with unread input resets its peer.
    const srv = await rawServer('attach.sock', (s) => {
      s.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      setTimeout(() => s.destroy(), 50);
    }, true);
    const c = new ApiClient(parseHost(`unix://${srv.sock}`), undefined, '1.47');
    try {
      const h = await attachContainer(c, 'c1', { stream: true, stdin: true, stdout: true });
      h.socket.write('typed before the daemon went away');
      await new Promise((r) => setTimeout(r, 150));
      // The reader that comes then learns of the reset.
      await assert.rejects(demuxStream(h.socket as AsyncIterable<Buffer>, { write: () => undefined }, { write: () => undefined }), { code: 'ECONNRESET' });
    } finally {
      c.close();
      await srv.close();
    }
  });
});

describe('a stale keep-alive connection to a node:http server', () => {
  it('is replaced for a GET after the server dropped its idle connections', async () => {
    const sock = join(dir, 'http.sock');
    const server = createHttpServer((_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'API-Version': '1.47' });
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(sock, r));
    const c = new ApiClient(parseHost(`unix://${sock}`), undefined, '1.47');
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await readBody(await c.send('GET', '/_ping', { unversioned: true }))).toString(), 'OK');
        server.closeIdleConnections();
      }
    } finally {
      c.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
