// Docker's port publishing requests (HostConfig.PortBindings, PublishAllPorts with ExposedPorts)
// turned into a flat list to bind.
import { InvalidArgumentError } from '../errors.js';

export type PortProto = 'tcp' | 'udp' | 'sctp';

export interface PortBindingApi {
  HostIp?: string;
  HostPort?: string;
}

export interface PortRequest {
  containerPort: number;
  proto: PortProto;
  hostIp: string;
  /** First and last acceptable host port; 0/0 for any free port. */
  hostPortFirst: number;
  hostPortLast: number;
}

/** `80/tcp` → [80, 'tcp']; the protocol defaults to tcp. */
export function parsePortKey(key: string): [number, PortProto] {
  const [p, proto = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
  const pr = proto.toLowerCase();
  if (pr !== 'tcp' && pr !== 'udp' && pr !== 'sctp') throw new InvalidArgumentError(`invalid proto: ${proto}`);
  return [port, pr];
}

function parseHostPort(text: string | undefined): [number, number] {
  if (!text) return [0, 0];
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new InvalidArgumentError(`invalid hostPort: ${text}`);
  const first = Number(m[1]);
  const last = m[2] ? Number(m[2]) : first;
  if (first > 65535 || last > 65535 || last < first) throw new InvalidArgumentError(`invalid hostPort: ${text}`);
  return [first, last];
}

export function portRequests(
  bindings: Record<string, PortBindingApi[] | null> | undefined | null,
  publishAll: boolean,
  exposed: Record<string, unknown> | undefined | null,
  defaultHostIp = '0.0.0.0',
): PortRequest[] {
  const out: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const [containerPort, proto] = parsePortKey(key);
    bound.add(`${containerPort}/${proto}`);
    for (const b of list ?? [{}]) {
      const [first, last] = parseHostPort(b.HostPort);
      out.push({ containerPort, proto, hostIp: b.HostIp || defaultHostIp, hostPortFirst: first, hostPortLast: last });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const [containerPort, proto] = parsePortKey(key);
      if (bound.has(`${containerPort}/${proto}`)) continue;
      out.push({ containerPort, proto, hostIp: defaultHostIp, hostPortFirst: 0, hostPortLast: 0 });
    }
  }
  return out;
}
