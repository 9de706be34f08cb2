// `volume create|ls|inspect|rm|prune`: flags → /volumes calls → docker's output.
import { encodeFilters, parseFilters } from '../../client/filters.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import type { CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { forEachName, errorText } from '../actions/each-name.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { Template, TemplateError } from '../format/go-template/template.js';
import { humanSize } from '../format/units.js';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  CreatedAt: string;
}

/** A row of `volume ls` for templates (docker's volume context). */
class VolumeRow {
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
    return 'N/A';
  }
  Links(): string {
    return 'N/A';
  }
}

const HEADERS = new HeaderContext({ Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Size: 'SIZE', Links: 'LINKS' });

function keyValues(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq < 0) out[it] = '';
    else out[it.slice(0, eq)] = it.slice(eq + 1);
  }
  return out;
}

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
      body: { Name: name, Driver: f.driver ?? 'local', DriverOpts: keyValues((f.opt as string[]) ?? []), Labels: keyValues((f.label as string[]) ?? []) },
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
    ctx.stdout.write(renderList(resolved, rows, HEADERS));
  },
};

export const volumeInspectCommand: CommandDefinition = {
  name: 'volume inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  flags: [str('format', 'f', 'Format output using a custom template')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const format = (cmd.flags.format as string | undefined) ?? '';
    let tmpl: Template | undefined;
    if (format !== '' && format !== 'json') {
      try {
        tmpl = new Template(format);
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
        throw err;
      }
    }
    const client = await ctx.client();
    const found: Volume[] = [];
    const errors: string[] = [];
    for (const name of cmd.args) {
      try {
        found.push(await client.json<Volume>('GET', `/volumes/${encodeURIComponent(name)}`));
      } catch (err) {
        errors.push(errorText(err));
      }
    }
    if (tmpl) ctx.stdout.write(found.map((v) => `${tmpl.execute(v)}\n`).join(''));
    else ctx.stdout.write(found.length === 0 ? '[]\n' : JSON.stringify(found, null, 4) + '\n');
    if (errors.length) {
      ctx.stderr.write(errors.join('\n') + '\n');
      return 1;
    }
    return 0;
  },
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
    const parsed = parseFilters((f.filter as string[]) ?? []);
    if (f.all) parsed.all = ['true'];
    const filters = encodeFilters(parsed);
    const client = await ctx.client();
    const r = await client.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: filters ? { filters } : {} });
    const deleted = r.VolumesDeleted ?? [];
    if (deleted.length) ctx.stdout.write(`Deleted Volumes:\n${deleted.map((d) => `${d}\n`).join('')}\n`);
    ctx.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
  },
};
