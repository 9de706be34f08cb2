import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { pullWithProgress } from '../actions/pull-image.js';

export const pullCommand: CommandDefinition = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [
    bool('all-tags', 'a', 'Download all tagged images in the repository'),
    bool('disable-content-trust', undefined, 'Skip image verification', true),
    str('platform', undefined, 'Set platform if server is multi-platform capable'),
    bool('quiet', 'q', 'Suppress verbose output'),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const quiet = Boolean(cmd.flags.quiet);
    const ref = await pullWithProgress(client, cmd.args[0]!, ctx.stdout, {
      quiet, allTags: Boolean(cmd.flags['all-tags']),
      ...(cmd.flags.platform ? { platform: cmd.flags.platform as string } : {}),
      ...(ctx.configDir ? { configDir: ctx.configDir } : {}),
    });
    ctx.stdout.write(`${ref}\n`);
  },
};
