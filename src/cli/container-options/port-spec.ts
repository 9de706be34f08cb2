// `-p [ip:][hostPort:]containerPort[/proto]` and `--expose port[-end][/proto]` into the API's
// ExposedPorts / PortBindings, with docker's range rules and messages.
import { InvalidArgumentError } from '../../errors.js';
import type { PortBinding } from '../../client/types.js';

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new InvalidArgumentError(`invalid ${what}: ${s}`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a > 65535 || b > 65535 || b < a) throw new InvalidArgumentError(`invalid ${what}: ${s}`);
  return [a, b];
}

function checkProto(proto: string): string {
  const p = proto.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(p)) throw new InvalidArgumentError(`invalid proto: ${proto}`);
  return p;
}

export interface PortMapping {
  port: string; // "80/tcp"
  binding: PortBinding;
}

/** One -p value into its port/binding pairs (a range gives several). */
export function parsePublish(spec: string): PortMapping[] {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    proto = checkProto(rest.slice(slash + 1));
    rest = rest.slice(0, slash);
  }
  let ip = '';
  let hostPart = '';
  let containerPart: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) throw new InvalidArgumentError(`invalid IP address: ${rest}`);
    ip = rest.slice(1, close);
    const after = rest.slice(close + 1);
    const parts = after.split(':');
    if (parts.length !== 3 || parts[0] !== '') throw new InvalidArgumentError(`invalid port specification: ${JSON.stringify(spec)}`);
    hostPart = parts[1]!;
    containerPart = parts[2]!;
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) containerPart = parts[0]!;
    else if (parts.length === 2) [hostPart, containerPart] = [parts[0]!, parts[1]!];
    else if (parts.length === 3) [ip, hostPart, containerPart] = [parts[0]!, parts[1]!, parts[2]!];
    else {
      // An unbracketed IPv6 address: the last two fields are the ports.
      containerPart = parts.pop()!;
      hostPart = parts.pop()!;
      ip = parts.join(':');
    }
  }
  if (ip !== '' && !/^[0-9.]+$|^[0-9a-fA-F:]+$/.test(ip)) throw new InvalidArgumentError(`invalid IP address: ${ip}`);
  if (containerPart === '') throw new InvalidArgumentError(`no port specified: ${spec}<empty>`);
  const [cStart, cEnd] = parseRange(containerPart, 'containerPort');
  let hStart = 0;
  let hEnd = 0;
  if (hostPart !== '') [hStart, hEnd] = parseRange(hostPart, 'hostPort');
  const cCount = cEnd - cStart;
  const hCount = hEnd - hStart;
  if (hostPart !== '' && cCount !== hCount && cCount !== 0 && hCount !== 0) {
    throw new InvalidArgumentError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
  }
  const out: PortMapping[] = [];
  for (let i = 0; i <= cCount; i++) {
    let hostPort = '';
    if (hostPart !== '') {
      if (cCount === hCount) hostPort = String(hStart + i);
      else hostPort = hCount === 0 ? String(hStart) : `${hStart}-${hEnd}`;
    }
    out.push({ port: `${cStart + i}/${proto}`, binding: { HostIp: ip, HostPort: hostPort } });
  }
  return out;
}

/** --expose 80, 8000-8010/udp → the ports to add to ExposedPorts. */
export function parseExpose(spec: string): string[] {
  let proto = 'tcp';
  let rest = spec;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    proto = checkProto(rest.slice(slash + 1));
    rest = rest.slice(0, slash);
  }
  const [a, b] = parseRange(rest, 'range format for --expose');
  const out: string[] = [];
  for (let p = a; p <= b; p++) out.push(`${p}/${proto}`);
  return out;
}
