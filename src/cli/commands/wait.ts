import { beginWait } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { errorText } from '../actions/each-name.js';

export const waitCommand: CommandDefinition = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const errors: string[] = [];
    for (const name of cmd.args) {
      try {
        const { result } = await beginWait(client, name, 'not-running');
        const r = await result;
        ctx.stdout.write(`${r.StatusCode}\n`);
      } catch (err) {
        errors.push(errorText(err));
      }
    }
    if (errors.length) {
      ctx.stderr.write(errors.join('\n') + '\n');
      return 1;
    }
  },
};
