import { topContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { alignColumns } from '../format/tabwriter.js';

export const topCommand: CommandDefinition = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  flags: [],
  interspersed: false,
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const [name, ...psArgs] = cmd.args;
    const top = await topContainer(client, name!, psArgs.length ? psArgs.join(' ') : undefined);
    let text = (top.Titles ?? []).join('\t') + '\n';
    for (const p of top.Processes ?? []) text += p.join('\t') + '\n';
    ctx.stdout.write(alignColumns(text, { minWidth: 20, padding: 1 }));
  },
};
