// berthd's DNS server for one user network. It listens on the network's gateway address (UDP and TCP,
// port 53), answers A/AAAA/PTR for the names of the network's containers (name, aliases, short ID,
// `name.network`) and forwards every other query to upstream resolvers: the container's --dns servers
// or the host's. Running on the host side, it can reach the host's loopback resolvers, which a
// container cannot.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Question } from 'dns-packet';
import { ip6FromArpa } from './ipv6.js';

export interface Upstream {
  host: string;
  port: number;
}

/** What the server knows of its network; called for every query, so the answers follow attach/detach. */
export interface DnsRecords {
  /** Addresses for a name (lower-case, no trailing dot) as the client at `clientIp` sees it (its
   *  links' aliases too); undefined when the name is not the network's. */
  lookup(name: string, clientIp: string): string[] | undefined;
  /** Name for an address of the network. */
  reverse(ip: string): string | undefined;
  /** Resolvers to forward to for queries from this client address. */
  upstreams(clientIp: string): Upstream[];
}

export interface DnsServerOptions {
  address: string;
  port?: number;
  records: DnsRecords;
  /** Per-upstream wait before trying the next one. */
  timeoutMs?: number;
}

const TTL = 600;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

export class DnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly tcpConns = new Set<net.Socket>();
  private readonly timeoutMs: number;

  constructor(private readonly o: DnsServerOptions) {
    this.timeoutMs = o.timeoutMs ?? 2000;
  }

  get port(): number {
    return (this.udp?.address().port as number | undefined) ?? this.o.port ?? 53;
  }

  async start(): Promise<void> {
    const port = this.o.port ?? 53;
    const udp = dgram.createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: this.o.address, port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', () => undefined);
    udp.on('message', (msg, rinfo) => {
      void this.handle(msg, rinfo.address, false).then((reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    this.udp = udp;
    const tcp = net.createServer((sock) => this.serveTcp(sock));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: this.o.address, port: udp.address().port, exclusive: true }, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((err) => {
      udp.close();
      throw err;
    });
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    for (const s of this.tcpConns) s.destroy();
    await Promise.all([
      this.udp ? new Promise<void>((r) => this.udp!.close(() => r())) : undefined,
      this.tcp ? new Promise<void>((r) => this.tcp!.close(() => r())) : undefined,
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private serveTcp(sock: net.Socket): void {
    this.tcpConns.add(sock);
    sock.on('close', () => this.tcpConns.delete(sock));
    sock.on('error', () => undefined);
    sock.setTimeout(10_000, () => sock.destroy());
    let buf = Buffer.alloc(0);
    const client = sock.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(msg, client, true).then((reply) => {
          if (reply && !sock.destroyed) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([head, reply]));
          }
        });
      }
    });
  }

  /** The reply to one query message, or undefined to drop it. */
  async handle(msg: Buffer, clientIp: string, overTcp: boolean): Promise<Buffer | undefined> {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    if (query.type !== 'query' || !query.questions || query.questions.length !== 1) return undefined;
    const q = query.questions[0]!;
    const local = this.answerLocally(q, clientIp);
    if (local) return reply(query, local.answers, local.rcode);
    const forwarded = await this.forward(msg, clientIp, overTcp);
    return forwarded ?? reply(query, [], RCODE_SERVFAIL);
  }

  private answerLocally(q: Question, clientIp: string): { answers: Answer[]; rcode: number } | undefined {
    const name = q.name.toLowerCase().replace(/\.$/, '');
    if (q.type === 'PTR') {
      const ip = ptrToIp(name);
      if (!ip) return undefined;
      const host = this.o.records.reverse(ip);
      return host ? { answers: [{ type: 'PTR', name: q.name, ttl: TTL, data: host }], rcode: 0 } : undefined;
    }
    const ips = this.o.records.lookup(name, clientIp);
    if (!ips) return undefined;
    if (q.type === 'A' || q.type === 'AAAA') {
      const family = q.type === 'A' ? 4 : 6;
      const type = q.type;
      return { answers: ips.filter((ip) => net.isIP(ip) === family).map((ip) => ({ type, name: q.name, ttl: TTL, data: ip })), rcode: 0 };
    }
    // The name is ours but has no record of this type: an empty NOERROR answer.
    return { answers: [], rcode: 0 };
  }

  private async forward(msg: Buffer, clientIp: string, overTcp: boolean): Promise<Buffer | undefined> {
    for (const up of this.o.records.upstreams(clientIp)) {
      try {
        return overTcp ? await askTcp(up, msg, this.timeoutMs) : await askUdp(up, msg, this.timeoutMs);
      } catch {
        // try the next resolver
      }
    }
    return undefined;
  }
}

function reply(query: DecodedPacket, answers: Answer[], rcode: number): Buffer {
  let flags = dnsPacket.RECURSION_AVAILABLE | (rcode & 0xf);
  if (query.flag_rd) flags |= dnsPacket.RECURSION_DESIRED;
  if (rcode === 0 || rcode === RCODE_NXDOMAIN) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  return dnsPacket.encode({ type: 'response', id: query.id, flags, questions: query.questions, answers });
}

/** `4.3.2.1.in-addr.arpa` → `1.2.3.4`; a nibble-form `….ip6.arpa` → its IPv6 address. */
function ptrToIp(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
  return m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : ip6FromArpa(name);
}

function askUdp(up: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(up.host) ? 'udp6' : 'udp4');
    const id = msg.readUInt16BE(0);
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    const done = (err?: Error, data?: Buffer): void => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(data!);
    };
    sock.on('error', (err) => done(err));
    sock.on('message', (data) => {
      if (data.length >= 2 && data.readUInt16BE(0) === id) done(undefined, data);
    });
    sock.send(msg, up.port, up.host);
  });
}

function askTcp(up: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    sock.setTimeout(timeoutMs, () => {
      sock.destroy();
      reject(new Error('timeout'));
    });
    sock.on('error', reject);
    sock.on('connect', () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([head, msg]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
  });
}
