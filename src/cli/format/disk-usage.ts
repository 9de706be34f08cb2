// `system df`: the four summary rows (Images, Containers, Local Volumes, Build Cache) with docker's
// totals and reclaimable sizes, and the build cache rows of `-v`.
import type { BuildCacheRecord, DiskUsage } from '../../client/system.js';
import { HeaderContext } from './list-format.js';
import { humanSize, timeAgo } from './units.js';

export const DISK_USAGE_HEADERS = new HeaderContext({ Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' });
export const DEFAULT_DISK_USAGE_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

export class DiskUsageRow {
  constructor(
    private readonly type: string,
    private readonly total: number,
    private readonly active: number,
    private readonly size: number,
    private readonly reclaimable: number,
    /** Build cache shows no percentage. */
    private readonly percent: boolean,
  ) {}
  Type(): string {
    return this.type;
  }
  TotalCount(): string {
    return String(this.total);
  }
  Active(): string {
    return String(this.active);
  }
  Size(): string {
    return humanSize(this.size);
  }
  Reclaimable(): string {
    const r = humanSize(this.reclaimable);
    return this.percent && this.size > 0 ? `${r} (${Math.trunc((this.reclaimable * 100) / this.size)}%)` : r;
  }
  toTemplateJSON(): Record<string, string> {
    return { Active: this.Active(), Reclaimable: this.Reclaimable(), Size: this.Size(), TotalCount: this.TotalCount(), Type: this.Type() };
  }
}

const isActive = (state: string | undefined): boolean => /running|paused|restarting/.test(state ?? '');

/** The summary rows, computed as docker's CLI does from `GET /system/df`. */
export function diskUsageRows(du: DiskUsage): DiskUsageRow[] {
  const images = du.Images ?? [];
  const total = du.LayersSize ?? 0;
  let used = 0;
  for (const i of images) if ((i.Containers ?? 0) > 0 && (i.Size ?? -1) >= 0 && (i.SharedSize ?? -1) >= 0) used += i.Size! - i.SharedSize!;
  const containers = du.Containers ?? [];
  const csize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const creclaim = containers.filter((c) => !isActive(c.State)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volumes = du.Volumes ?? [];
  const vsize = volumes.reduce((n, v) => n + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const vreclaim = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const cache = du.BuildCache ?? [];
  const bsize = cache.filter((b) => !b.Shared).reduce((n, b) => n + (b.Size ?? 0), 0);
  const binuse = cache.filter((b) => b.InUse && !b.Shared).reduce((n, b) => n + (b.Size ?? 0), 0);
  return [
    new DiskUsageRow('Images', images.length, images.filter((i) => (i.Containers ?? 0) > 0).length, total, total - used, true),
    new DiskUsageRow('Containers', containers.length, containers.filter((c) => isActive(c.State)).length, csize, creclaim, true),
    new DiskUsageRow('Local Volumes', volumes.length, volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, vsize, vreclaim, true),
    new DiskUsageRow('Build Cache', cache.length, cache.filter((b) => b.InUse).length, bsize, bsize - binuse, false),
  ];
}

export const BUILD_CACHE_HEADERS = new HeaderContext({
  ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED',
  Description: 'DESCRIPTION', InUse: 'IN USE', CreatedAt: 'CREATED AT',
});
export const DEFAULT_BUILD_CACHE_TABLE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

export class BuildCacheRow {
  constructor(
    private readonly b: BuildCacheRecord,
    private readonly trunc: boolean,
    private readonly now = Date.now(),
  ) {}
  ID(): string {
    return this.trunc ? this.b.ID.slice(0, 12) : this.b.ID;
  }
  CacheType(): string {
    return this.b.Type ?? '';
  }
  Description(): string {
    return this.b.Description ?? '';
  }
  Size(): string {
    return humanSize(this.b.Size ?? 0, 3);
  }
  CreatedSince(): string {
    return this.b.CreatedAt ? timeAgo(Date.parse(this.b.CreatedAt) / 1000, this.now) : '';
  }
  LastUsedSince(): string {
    return this.b.LastUsedAt ? timeAgo(Date.parse(this.b.LastUsedAt) / 1000, this.now) : '';
  }
  UsageCount(): string {
    return String(this.b.UsageCount ?? 0);
  }
  InUse(): string {
    return String(Boolean(this.b.InUse));
  }
  Shared(): string {
    return String(Boolean(this.b.Shared));
  }
}
