// The port proxy's relays on loopback: bytes intact both ways, half-close in either direction,
// refused and reset upstreams, closing a listener with connections open, UDP flows. The TCP cases
// run for the splice relay (native addon) and the stream relay alike.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { listenTcp, listenUdp, type Listener } from '../../../src/network/port-proxy.js';
import { spliceRelayAvailable } from '../../../src/network/splice-relay.js';

type Handler = (s: net.Socket) => void;

async function upstream(handler: Handler): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined);
    handler(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, server };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(c));
    c.once('error', reject);
  });
}

/** Everything the socket sends until EOF (or until it closes on an error: `error` is then set). */
function readAll(s: net.Socket): Promise<{ data: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('end', () => resolve({ data: Buffer.concat(chunks) }));
    s.on('close', () => resolve({ data: Buffer.concat(chunks), error: error ?? 'closed' }));
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const relays = spliceRelayAvailable() ? (['splice', 'stream'] as const) : (['stream'] as const);

for (const relay of relays) {
  describe(`port proxy, TCP (${relay} relay)`, () => {
    const cleanups: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });
    async function proxyTo(handler: Handler): Promise<{ listener: Listener; server: net.Server }> {
      const up = await upstream(handler);
      cleanups.push(() => new Promise((r) => up.server.close(r)));
      const listener = await listenTcp('127.0.0.1', 0, { ip: '127.0.0.1', port: up.port }, { relay });
      cleanups.push(() => listener.close());
      return { listener, server: up.server };
    }

    it('carries bytes intact both ways; the client ends first and still gets the answer', async () => {
      // The upstream answers after the client's EOF: the hash of what it got, then all of it back.
      const { listener } = await proxyTo((s) => {
        const chunks: Buffer[] = [];
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('end', () => {
          const all = Buffer.concat(chunks);
          s.write(`${sha(all)}\n`);
          s.end(all);
        });
      });
      const payload = Buffer.alloc(6 << 20);
      for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
      const c = await connect(listener.hostPort);
      const got = readAll(c);
      c.end(payload);
      const { data, error } = await got;
      assert.equal(error, undefined);
      assert.equal(data.subarray(0, 65).toString(), `${sha(payload)}\n`);
      assert.equal(sha(data.subarray(65)), sha(payload));
      c.destroy();
    });

    it('relays the upstream ending first while the client keeps sending', async () => {
      let received = 0;
      const upstreamDone = new Promise<void>((resolve) => {
        void proxyTo((s) => {
          s.end('bye\n');
          s.on('data', (d: Buffer) => (received += d.length));
          s.on('end', () => resolve());
        }).then(({ listener }) => (port = listener.hostPort));
      });
      let port = 0;
      while (!port) await new Promise((r) => setImmediate(r));
      const c = await connect(port);
      const { data, error } = await readAll(c);
      assert.equal(error, undefined);
      assert.equal(data.toString(), 'bye\n');
      // The client's direction is still open: what it sends now arrives, then its EOF does.
      const closed = new Promise((r) => c.once('close', r));
      c.end(Buffer.alloc(256 << 10, 1));
      await upstreamDone;
      assert.equal(received, 256 << 10);
      await closed;
    });

    it('closes the client when the upstream refuses', async () => {
      const { listener, server } = await proxyTo(() => undefined);
      await new Promise((r) => server.close(r));
      const c = await connect(listener.hostPort);
      const { data } = await readAll(c);
      assert.equal(data.length, 0);
    });

    it('closes the client when the upstream resets mid-stream', async () => {
      const { listener } = await proxyTo((s) => {
        s.write('partial');
        setTimeout(() => s.resetAndDestroy(), 50);
      });
      const c = await connect(listener.hostPort);
      const { data } = await readAll(c);
      assert.equal(data.toString(), 'partial');
      c.destroy();
    });

    it('ends open connections when the listener closes, and stops listening', async () => {
      const { listener } = await proxyTo((s) => {
        s.write('hi');
        s.on('end', () => s.end());
      });
      const c = await connect(listener.hostPort);
      const got = readAll(c);
      await new Promise((r) => c.once('data', r));
      await listener.close();
      await got;
      await assert.rejects(connect(listener.hostPort), /ECONNREFUSED/);
    });

    it('serves many connections at once', async () => {
      const { listener } = await proxyTo((s) => s.pipe(s));
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const c = await connect(listener.hostPort);
          const got = readAll(c);
          c.end(`message ${i}`);
          const { data } = await got;
          c.destroy();
          return data.toString();
        }),
      );
      assert.deepEqual(answers, Array.from({ length: 40 }, (_, i) => `message ${i}`));
    });
  });
}

describe('port proxy, UDP', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('relays each client flow through its own socket and answers the right client', async () => {
    const echo = dgram.createSocket('udp4');
    const seen = new Set<string>();
    echo.on('message', (msg, rinfo) => {
      seen.add(`${rinfo.address}:${rinfo.port}`);
      echo.send(Buffer.concat([Buffer.from('re:'), msg]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => echo.close(() => r())));
    const listener = await listenUdp('127.0.0.1', 0, { ip: '127.0.0.1', port: echo.address().port });
    cleanups.push(() => listener.close());
    const ask = async (text: string): Promise<string> => {
      const c = dgram.createSocket('udp4');
      try {
        const reply = new Promise<string>((r) => c.once('message', (m) => r(m.toString())));
        c.send(text, listener.hostPort, '127.0.0.1');
        return await reply;
      } finally {
        c.close();
      }
    };
    assert.deepEqual(await Promise.all([ask('a'), ask('b')]), ['re:a', 're:b']);
    assert.equal(seen.size, 2);
  });
});
