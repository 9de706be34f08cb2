// Published ports, by a proxy in berthd: the host port is a real listening socket and each connection
// (or UDP flow) is relayed to the container's address. Traffic to a published port is then ordinary
// local traffic, so it goes through the host's INPUT rules like any other service's — unlike DNAT in
// PREROUTING, which sends it down FORWARD past them. It also makes 127.0.0.1 publishing work without
// route_localnet, and reaching the port via the host's address from other containers.
import dgram from 'node:dgram';
import net from 'node:net';
import { finished } from 'node:stream';
import { spliceRelayAvailable, startSpliceRelay, type SpliceRelay } from './splice-relay.js';

export interface ProxyTarget {
  ip: string;
  port: number;
}

export interface Listener {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly proto: 'tcp' | 'udp';
  close(): Promise<void>;
}

const UDP_IDLE_MS = 90_000;

export interface TcpProxyOptions {
  /** 'splice' (default): in the kernel where the native addon allows it; 'stream': Node stream piping. */
  relay?: 'splice' | 'stream';
}

// Each spliced connection has a thread; past this many at once, new connections are piped in JS.
const MAX_SPLICED = 256;
let spliced = 0;

/** Listens on hostIp:hostPort (0 = any free port) and relays TCP connections to the target. */
export async function listenTcp(hostIp: string, hostPort: number, target: ProxyTarget, opts: TcpProxyOptions = {}): Promise<Listener> {
  const useSplice = (opts.relay ?? 'splice') === 'splice' && spliceRelayAvailable();
  const conns = new Set<() => void>();
  // The client is accepted paused: no byte is read in JS before the relay is chosen.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (client) => {
    const upstream = net.connect({ host: target.ip, port: target.port, allowHalfOpen: true, noDelay: true });
    upstream.pause();
    let relay: SpliceRelay | null = null;
    const drop = (): void => {
      relay?.cancel();
      client.destroy();
      upstream.destroy();
      conns.delete(drop);
    };
    conns.add(drop);
    client.on('error', drop);
    upstream.on('error', drop);
    upstream.once('connect', () => {
      if (useSplice && spliced < MAX_SPLICED && (relay = startSpliceRelay(client, upstream))) {
        spliced++;
        void relay.done.then(() => {
          spliced--;
          relay = null;
          drop();
        });
        return;
      }
      pipeBoth(client, upstream, drop);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: hostIp, port: hostPort, exclusive: true, backlog: 1024 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    hostIp,
    hostPort: port,
    proto: 'tcp',
    close: () =>
      new Promise<void>((resolve) => {
        for (const drop of conns) drop();
        server.close(() => resolve());
      }),
  };
}

// Relays with Node streams, half-close included; drop() once both directions have ended. When one side
// closes, what is still queued for the other is flushed first (destroying at once would lose it).
function pipeBoth(client: net.Socket, upstream: net.Socket, drop: () => void): void {
  const onClose = (other: net.Socket) => () => {
    if (other.writableEnded) finished(other, { readable: false }, drop);
  };
  client.on('close', onClose(upstream));
  upstream.on('close', onClose(client));
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Listens on hostIp:hostPort for UDP and relays each client's datagrams through its own socket. */
export async function listenUdp(hostIp: string, hostPort: number, target: ProxyTarget): Promise<Listener> {
  const sock = dgram.createSocket({ type: 'udp4' });
  const flows = new Map<string, { up: dgram.Socket; timer: NodeJS.Timeout }>();
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: hostIp, port: hostPort, exclusive: true }, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  sock.on('error', () => undefined);
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const up = dgram.createSocket('udp4');
      const f = {
        up,
        timer: setTimeout(() => {
          up.close();
          flows.delete(key);
        }, UDP_IDLE_MS),
      };
      up.on('error', () => undefined);
      up.on('message', (data) => {
        sock.send(data, rinfo.port, rinfo.address);
        f.timer.refresh();
      });
      flows.set(key, f);
      flow = f;
    }
    flow.up.send(msg, target.port, target.ip);
    flow.timer.refresh();
  });
  const port = sock.address().port;
  return {
    hostIp,
    hostPort: port,
    proto: 'udp',
    close: () =>
      new Promise<void>((resolve) => {
        for (const f of flows.values()) {
          clearTimeout(f.timer);
          f.up.close();
        }
        flows.clear();
        sock.close(() => resolve());
      }),
  };
}
