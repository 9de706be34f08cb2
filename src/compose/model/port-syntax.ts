// Ports, short syntax → long: `[HOST_IP:][HOST_PORT[-END]:]PORT[-END][/PROTO]` (IPv6 host in
// brackets), a bare number, or the long mapping. A container range expands to one entry per port,
// like compose.
import { ComposeValueError } from './compose-file-error.js';
import type { ServicePort } from './project.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

export function parsePorts(value: unknown): ServicePort[] {
  if (typeof value === 'number') return [{ mode: 'ingress', target: value, protocol: 'tcp' }];
  if (typeof value === 'string') return parseShortPort(value);
  if (value && typeof value === 'object') return [longPort(value as Record<string, unknown>)];
  throw new ComposeValueError(`invalid port ${JSON.stringify(value)}`);
}

function longPort(v: Record<string, unknown>): ServicePort {
  const target = Number(v.target);
  if (!Number.isInteger(target) || target <= 0 || target > 65535) throw new ComposeValueError(`invalid target port ${JSON.stringify(v.target)}`);
  const protocol = String(v.protocol ?? 'tcp').toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw new ComposeValueError(`invalid protocol ${JSON.stringify(v.protocol)}`);
  const port: ServicePort = { mode: v.mode === 'host' ? 'host' : 'ingress', target, protocol: protocol as ServicePort['protocol'] };
  if (v.name !== undefined) port.name = String(v.name);
  if (v.host_ip !== undefined) port.host_ip = String(v.host_ip);
  if (v.published !== undefined && v.published !== null && v.published !== '') port.published = String(v.published);
  if (v.app_protocol !== undefined) port.app_protocol = String(v.app_protocol);
  return port;
}

function parseShortPort(spec: string): ServicePort[] {
  const bad = (): never => {
    throw new ComposeValueError(`invalid port ${JSON.stringify(spec)}`);
  };
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.has(protocol)) bad();
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') bad();
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  let published: string | undefined;
  let container: string;
  if (parts.length === 1) container = parts[0]!;
  else if (parts.length === 2) [published, container] = parts as [string, string];
  else if (parts.length === 3 && hostIp === undefined) [hostIp, published, container] = parts as [string, string, string];
  else return bad();
  const [cStart, cEnd] = portRange(container) ?? bad();
  let hStart: number | undefined;
  let hEnd: number | undefined;
  if (published !== undefined && published !== '') {
    [hStart, hEnd] = portRange(published) ?? bad();
  }
  const count = cEnd - cStart + 1;
  const hostRange = hStart !== undefined && hEnd! > hStart;
  if (hostRange && hEnd! - hStart! + 1 !== count && count !== 1) bad();
  const out: ServicePort[] = [];
  for (let i = 0; i < count; i++) {
    const port: ServicePort = { mode: 'ingress', target: cStart + i, protocol: protocol as ServicePort['protocol'] };
    if (hostIp !== undefined && hostIp !== '') port.host_ip = hostIp;
    if (hStart !== undefined) {
      // One container port with a host range: any free port of the range.
      port.published = count === 1 && hostRange ? `${hStart}-${hEnd}` : String(hStart + (hostRange ? i : 0));
    }
    out.push(port);
  }
  return out;
}

function portRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a < 1 || b > 65535 || b < a) return undefined;
  return [a, b];
}
