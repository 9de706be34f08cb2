// The DNS server alone, on loopback: local names (A, empty AAAA, PTR), forwarding to upstreams over
// UDP and TCP (a fake upstream here), the next upstream when one is silent, SERVFAIL when all are.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsServer, type Upstream } from '../../../src/network/dns-server.js';

function fakeUpstream(): Promise<{ port: number; close: () => void }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    const answer = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions,
      answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 5, data: '192.0.2.99' }],
    });
    sock.send(answer, r.port, r.address);
  });
  return new Promise((resolve) => sock.bind(0, '127.0.0.1', () => resolve({ port: sock.address().port, close: () => sock.close() })));
}

/** The data of each answer record (A/PTR answers carry strings). */
const data = (p: dnsPacket.DecodedPacket): unknown[] => (p.answers ?? []).map((a) => (a as { data?: unknown }).data);

async function ask(port: number, name: string, type: 'A' | 'AAAA' | 'PTR'): Promise<dnsPacket.DecodedPacket> {
  const sock = dgram.createSocket('udp4');
  const msg = dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), 5000);
      sock.on('message', (data) => {
        clearTimeout(timer);
        resolve(dnsPacket.decode(data));
      });
      sock.send(msg, port, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}

async function askTcp(port: number, name: string): Promise<dnsPacket.DecodedPacket> {
  const msg = dnsPacket.encode({ type: 'query', id: 9, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const head = Buffer.alloc(2);
  head.writeUInt16BE(msg.length);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(Buffer.concat([head, msg])));
    let buf = Buffer.alloc(0);
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(dnsPacket.decode(buf.subarray(2)));
      }
    });
    s.on('error', reject);
  });
}

describe('DNS server', () => {
  let upstream: { port: number; close: () => void };
  let server: DnsServer;
  let upstreams: Upstream[] = [];
  const names = new Map([
    ['web', ['10.231.50.2']],
    ['svc', ['10.231.50.2', '10.231.50.3']],
  ]);

  before(async () => {
    upstream = await fakeUpstream();
    server = new DnsServer({
      address: '127.0.0.1',
      port: 0,
      timeoutMs: 300,
      records: {
        lookup: (n) => names.get(n),
        reverse: (ip) => (ip === '10.231.50.2' ? 'web.net' : undefined),
        upstreams: () => upstreams,
      },
    });
    await server.start();
  });
  after(async () => {
    await server?.stop();
    upstream?.close();
  });

  it('answers for the network\'s names', async () => {
    const r = await ask(server.port, 'WEB', 'A');
    assert.equal(r.id, 7);
    assert.deepEqual(data(r), ['10.231.50.2']);
    assert.equal(r.flag_aa, true);
    const many = await ask(server.port, 'svc.', 'A');
    assert.deepEqual(data(many).sort(), ['10.231.50.2', '10.231.50.3']);
    const v6 = await ask(server.port, 'web', 'AAAA');
    assert.equal((v6 as unknown as { rcode: string }).rcode, 'NOERROR');
    assert.deepEqual(v6.answers, []);
    const ptr = await ask(server.port, '2.50.231.10.in-addr.arpa', 'PTR');
    assert.deepEqual(data(ptr), ['web.net']);
    assert.deepEqual(data(await askTcp(server.port, 'web')), ['10.231.50.2']);
  });

  it('forwards other names, skipping a silent upstream, and fails with SERVFAIL when none answers', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      upstreams = [{ host: '127.0.0.1', port: silent.address().port }, { host: '127.0.0.1', port: upstream.port }];
      const r = await ask(server.port, 'example.test', 'A');
      assert.deepEqual(data(r), ['192.0.2.99']);
      upstreams = [{ host: '127.0.0.1', port: silent.address().port }];
      const fail = await ask(server.port, 'example.test', 'A');
      assert.equal((fail as unknown as { rcode: string }).rcode, 'SERVFAIL');
    } finally {
      silent.close();
    }
  });
});
