// `volume create|ls|inspect|rm|prune`: flags → /volumes calls → docker's output.
import { encodeFilters, parseFilters } from '../../client/filters.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import type { CommandDefinition } from '../command.js';
import { bool, keyValueMap, list, str } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';
import { pruneVolumesReport } from '../actions/prune-reports.js';
import { FORMAT_FLAG, inspectObjects } from '../actions/inspect-objects.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { VOLUME_HEADERS, type Volume, VolumeRow } from '../format/volume-context.js';
import { humanSize } from '../format/units.js';

export const volumeCreateCommand: CommandDefinition = {
  name: 'volume create',
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    str('driver', 'd', 'Specify volume driver name', 'local'),
    list('label', undefined, 'Set metadata for a volume'),
    list('opt', 'o', 'Set driver specific options', 'map'),
    str('name', undefined, 'Specify volume name'),
  ],
  args: { max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const name = cmd.args[0] ?? (f.name as string | undefined) ?? '';
    if (cmd.args[0] && f.name && f.name !== cmd.args[0]) throw new Error(`conflicting options: either specify --name or provide positional arg, not both`);
    const client = await ctx.client();
    const v = await client.json<Volume>('POST', '/volumes/create', {
      body: { Name: name, Driver: f.driver ?? 'local', DriverOpts: keyValueMap((f.opt as string[]) ?? []), Labels: keyValueMap((f.label as string[]) ?? []) },
    });
    ctx.stdout.write(`${v.Name}\n`);
  },
};

export const volumeLsCommand: CommandDefinition = {
  name: 'volume ls',
  usage: '[OPTIONS]',
  description: 'List volumes',
  aliases: ['volume list'],
  flags: [
    list('filter', 'f', 'Provide filter values (e.g. "dangling=true")', 'filter'),
    str('format', undefined, 'Format output using a custom template'),
    bool('quiet', 'q', 'Only display volume names'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const format = f.quiet ? '{{.Name}}' : (f.format as string | undefined);
    const resolved = resolveFormat(format, 'table {{.Driver}}\t{{.Name}}');
    compileFormat(resolved.template);
    const client = await ctx.client();
    const filters = encodeFilters(parseFilters((f.filter as string[]) ?? []));
    const r = await client.json<{ Volumes: Volume[] | null }>('GET', '/volumes', { query: filters ? { filters } : {} });
    const rows = (r.Volumes ?? []).sort((a, b) => (a.Name < b.Name ? -1 : 1)).map((v) => new VolumeRow(v));
    ctx.stdout.write(renderList(resolved, rows, VOLUME_HEADERS));
  },
};

export const volumeInspectCommand: CommandDefinition = {
  name: 'volume inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  flags: [FORMAT_FLAG],
  args: { min: 1 },
  run: (ctx, cmd) => inspectObjects(ctx, cmd, ['volume']),
};

export const volumeRmCommand: CommandDefinition = {
  name: 'volume rm',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  aliases: ['volume remove'],
  flags: [bool('force', 'f', 'Force the removal of one or more volumes')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => client.call('DELETE', `/volumes/${encodeURIComponent(n)}`, { query: cmd.flags.force ? { force: '1' } : {} }));
  },
};

export const volumePruneCommand: CommandDefinition = {
  name: 'volume prune',
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    bool('all', 'a', 'Remove all unused volumes, not just anonymous ones'),
    list('filter', undefined, 'Provide filter values (e.g. "label=<label>")', 'filter'),
    bool('force', 'f', 'Do not prompt for confirmation'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const warning = f.all ? 'WARNING! This will remove all local volumes not used by at least one container.' : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (!f.force && !(await confirmPrompt(ctx, warning))) return 0;
    const client = await ctx.client();
    const r = await pruneVolumesReport(client, parseFilters((f.filter as string[]) ?? []), Boolean(f.all));
    ctx.stdout.write(`${r.output}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
  },
};
