// One `ps` row as docker's formatter offers it to templates: {{.ID}}, {{.Names}}, {{.Status}},
// {{.Label "k"}}… and as `{{json .}}` prints it.
import type { ContainerSummary } from '../../client/types.js';
import { goQuote } from './go-template/go-fmt.js';
import { HeaderContext } from './list-format.js';
import { formatPorts } from './ports.js';
import { ellipsis, goTimeString, humanSize, timeAgo } from './units.js';

export const CONTAINER_HEADERS = new HeaderContext({
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
  Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES', Platform: 'PLATFORM',
});

export const DEFAULT_PS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
export const DEFAULT_PS_TABLE_WITH_SIZE = DEFAULT_PS_TABLE + '\t{{.Size}}';

function shortHex(id: string): string {
  return (id.startsWith('sha256:') ? id.slice(7) : id).slice(0, 12);
}

export class ContainerContext {
  constructor(
    private readonly c: ContainerSummary,
    private readonly trunc: boolean,
    private readonly now = Date.now(),
  ) {}

  ID(): string {
    return this.trunc ? shortHex(this.c.Id) : this.c.Id;
  }
  Names(): string {
    let names = (this.c.Names ?? []).map((n) => (n.startsWith('/') ? n.slice(1) : n));
    if (this.trunc) {
      // Hide the names of legacy links (`other/alias`); keep the container's own.
      const own = names.find((n) => !n.includes('/'));
      if (own !== undefined) names = [own];
    }
    return names.join(',');
  }
  Image(): string {
    const image = this.c.Image ?? '';
    if (image === '') return '<no image>';
    if (!this.trunc) return image;
    if (/^sha256:[a-f0-9]{64}$/.test(image)) return shortHex(image);
    const at = image.indexOf('@');
    return at === -1 ? image : image.slice(0, at);
  }
  Command(): string {
    const cmd = this.c.Command ?? '';
    return goQuote(this.trunc ? ellipsis(cmd, 20) : cmd);
  }
  CreatedAt(): string {
    return goTimeString(this.c.Created);
  }
  RunningFor(): string {
    return timeAgo(this.c.Created, this.now);
  }
  Ports(): string {
    return formatPorts(this.c.Ports ?? []);
  }
  State(): string {
    return this.c.State ?? '';
  }
  Status(): string {
    return this.c.Status ?? '';
  }
  Size(): string {
    const rw = humanSize(this.c.SizeRw ?? 0, 3);
    return (this.c.SizeRootFs ?? 0) > 0 ? `${rw} (virtual ${humanSize(this.c.SizeRootFs ?? 0, 3)})` : rw;
  }
  Labels(): string {
    const labels = this.c.Labels ?? {};
    return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  }
  Label(name: string): string {
    return this.c.Labels?.[name] ?? '';
  }
  Mounts(): string {
    return (this.c.Mounts ?? []).map((m) => {
      const name = m.Name ? m.Name : m.Source ?? '';
      return this.trunc ? ellipsis(name, 15) : name;
    }).join(',');
  }
  LocalVolumes(): string {
    return String((this.c.Mounts ?? []).filter((m) => m.Driver === 'local').length);
  }
  Networks(): string {
    return Object.keys(this.c.NetworkSettings?.Networks ?? {}).sort().join(',');
  }
  Platform(): string {
    return '';
  }
  RunningForSeconds(): number {
    return Math.trunc(this.now / 1000 - this.c.Created);
  }

  toTemplateJSON(): Record<string, string> {
    return {
      Command: this.Command(), CreatedAt: this.CreatedAt(), ID: this.ID(), Image: this.Image(), Labels: this.Labels(),
      LocalVolumes: this.LocalVolumes(), Mounts: this.Mounts(), Names: this.Names(), Networks: this.Networks(),
      Ports: this.Ports(), RunningFor: this.RunningFor(), Size: this.Size(), State: this.State(), Status: this.Status(),
    };
  }
}
