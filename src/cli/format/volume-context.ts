// One `volume ls` (and `system df -v`) row as docker's formatter offers it to templates.
import { HeaderContext } from './list-format.js';
import { humanSize } from './units.js';

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  CreatedAt: string;
  /** Only in `GET /system/df`. */
  UsageData?: { Size: number; RefCount: number } | null;
}

/** A row of `volume ls` for templates (docker's volume context). */
export class VolumeRow {
  constructor(private readonly v: Volume) {}
  Name(): string {
    return this.v.Name;
  }
  Driver(): string {
    return this.v.Driver;
  }
  Scope(): string {
    return this.v.Scope;
  }
  Mountpoint(): string {
    return this.v.Mountpoint;
  }
  Labels(): string {
    return Object.entries(this.v.Labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Label(name: string): string {
    return this.v.Labels?.[name] ?? '';
  }
  Size(): string {
    const u = this.v.UsageData;
    return !u || u.Size < 0 ? 'N/A' : humanSize(u.Size);
  }
  Links(): string {
    const u = this.v.UsageData;
    return !u || u.RefCount < 0 ? 'N/A' : String(u.RefCount);
  }
}

export const VOLUME_HEADERS = new HeaderContext({ Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Size: 'SIZE', Links: 'LINKS' });
