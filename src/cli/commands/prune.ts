import { parseFilters } from '../../client/filters.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import { pruneContainersReport, pruneImagesReport } from '../actions/prune-reports.js';
import type { CommandDefinition } from '../command.js';
import { bool, list } from '../flags/flag-spec.js';
import { humanSize } from '../format/units.js';

export const containerPruneCommand: CommandDefinition = {
  name: 'container prune',
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [list('filter', undefined, 'Provide filter values (e.g. "until=<timestamp>")', 'filter'), bool('force', 'f', 'Do not prompt for confirmation')],
  args: { max: 0 },
  async run(ctx, cmd) {
    if (!cmd.flags.force && !(await confirmPrompt(ctx, 'WARNING! This will remove all stopped containers.'))) return 0;
    const client = await ctx.client();
    const r = await pruneContainersReport(client, parseFilters(cmd.flags.filter as string[]));
    ctx.stdout.write(`${r.output}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
  },
};

export const imagePruneCommand: CommandDefinition = {
  name: 'image prune',
  usage: '[OPTIONS]',
  description: 'Remove unused images',
  flags: [
    bool('all', 'a', 'Remove all unused images, not just dangling ones'),
    list('filter', undefined, 'Provide filter values (e.g. "until=<timestamp>")', 'filter'),
    bool('force', 'f', 'Do not prompt for confirmation'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const all = Boolean(cmd.flags.all);
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!cmd.flags.force && !(await confirmPrompt(ctx, warning))) return 0;
    const client = await ctx.client();
    const r = await pruneImagesReport(client, parseFilters(cmd.flags.filter as string[]), all);
    ctx.stdout.write(`${r.output}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
  },
};
