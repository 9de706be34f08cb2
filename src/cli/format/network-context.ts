// One `network ls` row as docker's formatter offers it to templates ({{.ID}}, {{.Name}},
// {{.Label "k"}}…) and as `{{json .}}` prints it.
import type { NetworkSummary } from '../../client/networks.js';
import { HeaderContext } from './list-format.js';
import { goTimeStringOfRfc3339 } from './units.js';

export const NETWORK_HEADERS = new HeaderContext({
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL',
  Labels: 'LABELS', CreatedAt: 'CREATED AT',
});

export const DEFAULT_NETWORK_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

/** Docker's sort of names (natural order: `net2` before `net10`). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function labelList(labels: Record<string, string> | null | undefined): string {
  return Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
}

export class NetworkContext {
  constructor(
    private readonly n: NetworkSummary,
    private readonly trunc: boolean,
  ) {}
  ID(): string {
    return this.trunc ? this.n.Id.slice(0, 12) : this.n.Id;
  }
  Name(): string {
    return this.n.Name;
  }
  Driver(): string {
    return this.n.Driver ?? '';
  }
  Scope(): string {
    return this.n.Scope ?? '';
  }
  IPv4(): string {
    return String(Boolean(this.n.EnableIPv4));
  }
  IPv6(): string {
    return String(Boolean(this.n.EnableIPv6));
  }
  Internal(): string {
    return String(Boolean(this.n.Internal));
  }
  Labels(): string {
    return labelList(this.n.Labels);
  }
  Label(name: string): string {
    return this.n.Labels?.[name] ?? '';
  }
  CreatedAt(): string {
    return goTimeStringOfRfc3339(this.n.Created ?? '0001-01-01T00:00:00Z');
  }
  toTemplateJSON(): Record<string, string> {
    return {
      CreatedAt: this.CreatedAt(), Driver: this.Driver(), ID: this.ID(), IPv4: this.IPv4(), IPv6: this.IPv6(),
      Internal: this.Internal(), Labels: this.Labels(), Name: this.Name(), Scope: this.Scope(),
    };
  }
}
