// One `pod ls` row as templates see it (podman's pod ps fields).
import type { PodSummary } from '../../client/pods.js';
import { HeaderContext } from './list-format.js';
import { timeAgo } from './units.js';

export const POD_HEADERS = new HeaderContext({
  ID: 'POD ID', Name: 'NAME', Status: 'STATUS', Created: 'CREATED', InfraID: 'INFRA ID', NumberOfContainers: '# OF CONTAINERS',
  Labels: 'LABELS', Networks: 'NETWORKS', ContainerNames: 'NAMES', ContainerIds: 'IDS', ContainerStatuses: 'STATUS',
});
export const DEFAULT_POD_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t{{.NumberOfContainers}}';

export class PodRow {
  constructor(
    private readonly p: PodSummary,
    private readonly trunc: boolean,
    private readonly now = Date.now(),
  ) {}
  private short(id: string): string {
    return this.trunc ? id.slice(0, 12) : id;
  }
  ID(): string {
    return this.short(this.p.Id);
  }
  Name(): string {
    return this.p.Name;
  }
  Status(): string {
    return this.p.Status;
  }
  Created(): string {
    return timeAgo(Date.parse(this.p.Created) / 1000, this.now);
  }
  InfraID(): string {
    return this.short(this.p.InfraId);
  }
  NumberOfContainers(): number {
    return this.p.Containers.length;
  }
  Labels(): string {
    return Object.entries(this.p.Labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Label(name: string): string {
    return this.p.Labels?.[name] ?? '';
  }
  Networks(): string {
    return this.p.Networks.join(',');
  }
  ContainerNames(): string {
    return this.p.Containers.map((c) => c.Names).join(',');
  }
  ContainerIds(): string {
    return this.p.Containers.map((c) => this.short(c.Id)).join(',');
  }
  ContainerStatuses(): string {
    return this.p.Containers.map((c) => c.Status).join(',');
  }
}
