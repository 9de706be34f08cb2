import { killContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { str } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';

export const killCommand: CommandDefinition = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [str('signal', 's', 'Signal to send to the container')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const signal = cmd.flags.signal as string | undefined;
    return forEachName(ctx, cmd.args, (n) => killContainer(client, n, signal || undefined));
  },
};
