// `system df` and `system prune`: flags → /system/df and the prune endpoints → docker's output.
import { parseFilters } from '../../client/filters.js';
import { diskUsage } from '../../client/system.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import {
  type PruneReport, pruneBuildCacheReport, pruneContainersReport, pruneImagesReport, pruneNetworksReport, pruneVolumesReport,
} from '../actions/prune-reports.js';
import type { CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { CONTAINER_HEADERS, ContainerContext } from '../format/container-context.js';
import { BUILD_CACHE_HEADERS, BuildCacheRow, DEFAULT_BUILD_CACHE_TABLE, DEFAULT_DISK_USAGE_TABLE, DISK_USAGE_HEADERS, diskUsageRows } from '../format/disk-usage.js';
import { IMAGE_HEADERS, diskUsageImageRow } from '../format/image-context.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { humanSize } from '../format/units.js';
import { VOLUME_HEADERS, type Volume, VolumeRow } from '../format/volume-context.js';
import { FORMAT_HELP } from './ps.js';

const IMAGES_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINERS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUMES_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';

export const systemDfCommand: CommandDefinition = {
  name: 'system df',
  usage: '[OPTIONS]',
  description: 'Show berth disk usage',
  flags: [str('format', undefined, FORMAT_HELP), bool('verbose', 'v', 'Show detailed information on space usage')],
  args: { max: 0 },
  async run(ctx, cmd) {
    const format = (cmd.flags.format as string | undefined) ?? '';
    const verbose = Boolean(cmd.flags.verbose);
    if (!verbose || format !== '') compileFormat(resolveFormat(format, DEFAULT_DISK_USAGE_TABLE).template);
    const client = await ctx.client();
    const du = await diskUsage(client);
    if (!verbose) {
      ctx.stdout.write(renderList(resolveFormat(format, DEFAULT_DISK_USAGE_TABLE), diskUsageRows(du), DISK_USAGE_HEADERS));
      return;
    }
    const trunc = format === '' || format.startsWith('table');
    const now = Date.now();
    const images = (du.Images ?? []).map((i) => diskUsageImageRow(i, trunc, now));
    // docker hides the virtual size here.
    const containers = (du.Containers ?? []).map((c) => new ContainerContext({ ...c, SizeRootFs: 0 }, trunc, now));
    const volumes = (du.Volumes ?? []).map((v) => new VolumeRow(v as Volume));
    const cache = [...(du.BuildCache ?? [])].sort((a, b) => Date.parse(b.LastUsedAt ?? '') - Date.parse(a.LastUsedAt ?? '')).map((b) => new BuildCacheRow(b, trunc, now));
    if (format !== '' && format !== 'table') {
      const all = { Images: images, Containers: containers, Volumes: volumes, BuildCache: cache };
      ctx.stdout.write(renderList(resolveFormat(format, ''), [all], DISK_USAGE_HEADERS));
      return;
    }
    const table = (t: string): ReturnType<typeof resolveFormat> => resolveFormat(t, t);
    ctx.stdout.write('Images space usage:\n\n' + renderList(table(IMAGES_TABLE), images, IMAGE_HEADERS));
    ctx.stdout.write('\nContainers space usage:\n\n' + renderList(table(CONTAINERS_TABLE), containers, CONTAINER_HEADERS));
    ctx.stdout.write('\nLocal Volumes space usage:\n\n' + renderList(table(VOLUMES_TABLE), volumes, VOLUME_HEADERS));
    const cacheSize = (du.BuildCache ?? []).filter((b) => !b.Shared).reduce((n, b) => n + (b.Size ?? 0), 0);
    ctx.stdout.write(`\nBuild cache usage: ${humanSize(cacheSize)}\n\n` + renderList(table(DEFAULT_BUILD_CACHE_TABLE), cache, BUILD_CACHE_HEADERS));
  },
};

/** docker's confirmation text for `system prune`, which names what the flags select. */
export function systemPruneWarning(o: { all: boolean; volumes: boolean; filters: readonly string[] }): string {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (o.volumes) items.push('all anonymous volumes not used by at least one container');
  items.push(o.all ? 'all images without at least one container associated to them' : 'all dangling images');
  items.push(o.all ? 'all build cache' : 'unused build cache');
  let s = `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}`;
  const shown = o.filters.filter((f) => /^(label|label!|until)=/.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (shown.length) s += `\n  Items to be pruned will be filtered with:\n${shown.map((f) => `  - ${f}\n`).join('')}`;
  return s;
}

export const systemPruneCommand: CommandDefinition = {
  name: 'system prune',
  usage: '[OPTIONS]',
  description: 'Remove unused data',
  flags: [
    bool('all', 'a', 'Remove all unused images not just dangling ones'),
    list('filter', undefined, 'Provide filter values (e.g. "label=<key>=<value>")', 'filter'),
    bool('force', 'f', 'Do not prompt for confirmation'),
    bool('volumes', undefined, 'Prune anonymous volumes'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const all = Boolean(f.all);
    const raw = (f.filter as string[]) ?? [];
    const filters = parseFilters(raw);
    if (f.volumes && filters.until) throw new Error('ERROR: The "until" filter is not supported with "--volumes"');
    if (!f.force && !(await confirmPrompt(ctx, systemPruneWarning({ all, volumes: Boolean(f.volumes), filters: raw })))) return 0;
    const client = await ctx.client();
    const steps: (() => Promise<PruneReport>)[] = [
      () => pruneContainersReport(client, filters),
      () => pruneNetworksReport(client, filters),
      ...(f.volumes ? [() => pruneVolumesReport(client, filters, false)] : []),
      () => pruneImagesReport(client, filters, all),
      () => pruneBuildCacheReport(client, filters, all),
    ];
    let reclaimed = 0;
    for (const step of steps) {
      const r = await step();
      reclaimed += r.reclaimed;
      ctx.stdout.write(r.output);
    }
    ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
};
