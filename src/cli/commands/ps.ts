import { listContainers } from '../../client/containers.js';
import { parseFilters } from '../../client/filters.js';
import type { CommandDefinition } from '../command.js';
import { bool, int, list, str } from '../flags/flag-spec.js';
import { CONTAINER_HEADERS, ContainerContext, DEFAULT_PS_TABLE, DEFAULT_PS_TABLE_WITH_SIZE } from '../format/container-context.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';

export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template`;

export const psCommand: CommandDefinition = {
  name: 'ps',
  usage: '[OPTIONS]',
  description: 'List containers',
  flags: [
    bool('all', 'a', 'Show all containers (default shows just running)'),
    list('filter', 'f', 'Filter output based on conditions provided', 'filter'),
    str('format', undefined, FORMAT_HELP),
    int('last', 'n', 'Show n last created containers (includes all states)', -1),
    bool('latest', 'l', 'Show the latest created container (includes all states)'),
    bool('no-trunc', undefined, "Don't truncate output"),
    bool('quiet', 'q', 'Only display container IDs'),
    bool('size', 's', 'Display total file sizes'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    let format = f.format as string | undefined;
    if (f.quiet) format = '{{.ID}}';
    const withSize = Boolean(f.size);
    const resolved = resolveFormat(format, withSize ? DEFAULT_PS_TABLE_WITH_SIZE : DEFAULT_PS_TABLE);
    compileFormat(resolved.template);
    const last = f.latest ? 1 : (f.last as number);
    const client = await ctx.client();
    const containers = await listContainers(client, {
      all: Boolean(f.all) || last > 0,
      ...(last > 0 ? { limit: last } : {}),
      size: withSize || /\.Size\b/.test(resolved.template),
      filters: parseFilters(f.filter as string[]),
    });
    const now = Date.now();
    const rows = containers.map((c) => new ContainerContext(c, !f['no-trunc'], now));
    ctx.stdout.write(renderList(resolved, rows, CONTAINER_HEADERS));
  },
};
