// Port lists as docker prints them in `ps` ("0.0.0.0:8080->80/tcp, 443/tcp") and `port`.

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** docker's displayable form: consecutive ports folded into ranges, host mappings last. */
export function formatPorts(ports: readonly PortSummary[]): string {
  const sorted = [...ports].sort((a, b) =>
    a.PrivatePort - b.PrivatePort || (a.IP ?? '').localeCompare(b.IP ?? '') || (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || a.Type.localeCompare(b.Type));
  interface Group { ip: string; type: string; first: number; last: number }
  const open = new Map<string, Group>();
  const order: string[] = [];
  const done: string[] = [];
  const mappings: string[] = [];
  const show = (g: Group): string => {
    const range = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`;
    return g.ip ? `${g.ip}:${range}->${range}/${g.type}` : `${range}/${g.type}`;
  };
  for (const p of sorted) {
    const ip = p.IP ?? '';
    if (ip !== '' && p.PublicPort !== p.PrivatePort) {
      mappings.push(`${hostPort(ip, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
      continue;
    }
    const key = ip ? `${ip}/${p.Type}` : p.Type;
    const g = open.get(key);
    if (!g) {
      open.set(key, { ip, type: p.Type, first: p.PrivatePort, last: p.PrivatePort });
      order.push(key);
    } else if (p.PrivatePort === g.last + 1) {
      g.last = p.PrivatePort;
    } else {
      done.push(show(g));
      open.set(key, { ip, type: p.Type, first: p.PrivatePort, last: p.PrivatePort });
    }
  }
  for (const k of order) done.push(show(open.get(k)!));
  return [...done, ...mappings].join(', ');
}
