import { pauseContainer, unpauseContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { forEachName } from '../actions/each-name.js';

export const pauseCommand: CommandDefinition = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  flags: [],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => pauseContainer(client, n));
  },
};

export const unpauseCommand: CommandDefinition = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Unpause all processes within one or more containers',
  flags: [],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => unpauseContainer(client, n));
  },
};
