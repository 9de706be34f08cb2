// Published ports: host ports reserved against the other running containers' (docker's "port is
// already allocated"), then the userland proxy's listeners opened to the container's address and
// closed again with the container.
import { BerthError, InvalidArgumentError, errorMessage } from '../errors.js';
import type { PublishedPort, SandboxRow } from './network-store.js';
import { listenTcp, listenUdp, type Listener } from './port-proxy.js';
import type { PortRequest } from './port-requests.js';

/** "failed programming external connectivity" (docker's 500 when a host port is taken). */
export class PortAllocatedError extends BerthError {}

/**
 * Host ports for `requests`, none clashing with `taken` (the other containers') or with each other;
 * port 0 (any) is left for the kernel to pick when the listener opens.
 */
export function reservePorts(c: { id: string; name: string }, requests: PortRequest[], taken: PublishedPort[]): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const r of requests) {
    if (r.proto === 'sctp') throw new InvalidArgumentError('sctp ports cannot be published by berth');
    const clash = (port: number): boolean =>
      [...taken, ...out].some((p) => p.hostPort === port && p.proto === r.proto && (p.hostIp === r.hostIp || p.hostIp === '0.0.0.0' || r.hostIp === '0.0.0.0'));
    let port = 0;
    if (r.hostPortFirst !== 0) {
      for (let p = r.hostPortFirst; p <= r.hostPortLast; p++) {
        if (!clash(p)) {
          port = p;
          break;
        }
      }
      if (port === 0) {
        throw new PortAllocatedError(
          `driver failed programming external connectivity on endpoint ${c.name} (${c.id}): Bind for ${r.hostIp}:${r.hostPortFirst} failed: port is already allocated`,
        );
      }
    }
    out.push({ containerPort: r.containerPort, proto: r.proto, hostIp: r.hostIp, hostPort: port });
  }
  return out;
}

export class PortPublisher {
  private readonly listeners = new Map<string, Listener[]>();

  /** Opens a sandbox's listeners to `target` (its address); ports picked by the kernel are written back into `s.ports`. */
  async open(s: SandboxRow, target: string | undefined): Promise<void> {
    if (s.ports.length === 0) return;
    if (!target) throw new BerthError('container has no address to publish ports to');
    const opened: Listener[] = [];
    this.listeners.set(s.containerId!, opened);
    for (const p of s.ports) {
      try {
        const l = p.proto === 'udp'
          ? await listenUdp(p.hostIp, p.hostPort, { ip: target, port: p.containerPort })
          : await listenTcp(p.hostIp, p.hostPort, { ip: target, port: p.containerPort });
        opened.push(l);
        p.hostPort = l.hostPort;
      } catch (err) {
        throw new PortAllocatedError(
          `driver failed programming external connectivity on endpoint ${s.containerName} (${s.containerId}): ` +
            `Error starting userland proxy: listen ${p.proto}4 ${p.hostIp}:${p.hostPort}: bind: ${bindReason(err)}`,
        );
      }
    }
  }

  /** After a restart of berthd: false when a port was taken while it was down (the container runs on without it). */
  async reopen(s: SandboxRow, target: string | undefined): Promise<boolean> {
    try {
      await this.open(s, target);
      return true;
    } catch {
      return false;
    }
  }

  isOpen(containerId: string): boolean {
    return this.listeners.has(containerId);
  }

  async close(containerId: string): Promise<void> {
    const ls = this.listeners.get(containerId);
    this.listeners.delete(containerId);
    for (const l of ls ?? []) await l.close();
  }

  async closeAll(): Promise<void> {
    for (const ls of this.listeners.values()) for (const l of ls) await l.close();
    this.listeners.clear();
  }

  list(): { container: string; hostIp: string; hostPort: number; proto: string }[] {
    const out: { container: string; hostIp: string; hostPort: number; proto: string }[] = [];
    for (const [container, ls] of this.listeners) {
      for (const l of ls) out.push({ container, hostIp: l.hostIp, hostPort: l.hostPort, proto: l.proto });
    }
    return out;
  }
}

function bindReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'address already in use';
  if (code === 'EADDRNOTAVAIL') return 'cannot assign requested address';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(err);
}
