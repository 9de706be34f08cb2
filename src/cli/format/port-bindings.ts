// `berth port` lines from NetworkSettings.Ports: "80/tcp -> 0.0.0.0:8080".
import type { PortBinding } from '../../client/types.js';

function hostAddr(b: PortBinding): string {
  const ip = b.HostIp || '0.0.0.0';
  return ip.includes(':') ? `[${ip}]:${b.HostPort ?? ''}` : `${ip}:${b.HostPort ?? ''}`;
}

/** All mappings, or only those of one private port (then without the "80/tcp -> " prefix). */
export function formatPortBindings(ports: Record<string, PortBinding[] | null>, only?: string): string[] {
  if (only !== undefined) {
    const key = only.includes('/') ? only : `${only}/tcp`;
    return (ports[key] ?? []).map(hostAddr);
  }
  const keys = Object.keys(ports).sort((a, b) => {
    const [pa, ta] = a.split('/');
    const [pb, tb] = b.split('/');
    return Number(pa) - Number(pb) || (ta ?? '').localeCompare(tb ?? '');
  });
  const out: string[] = [];
  for (const k of keys) for (const b of ports[k] ?? []) out.push(`${k} -> ${hostAddr(b)}`);
  return out;
}
