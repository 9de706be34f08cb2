import type { CommandDefinition } from '../command.js';
import { CONTAINER_FLAGS } from '../container-options/container-flags.js';
import { createFromPlan, planFromCommand } from '../actions/run-container.js';

export const createCommand: CommandDefinition = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: CONTAINER_FLAGS,
  interspersed: false,
  args: { min: 1 },
  errorStyle: 'run',
  async run(ctx, cmd) {
    const plan = planFromCommand(cmd);
    const client = await ctx.client();
    const id = await createFromPlan(ctx, client, plan, Boolean(cmd.flags.quiet));
    ctx.stdout.write(`${id}\n`);
  },
};
