import { removeImage } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { bool } from '../flags/flag-spec.js';
import { errorText } from '../actions/each-name.js';

export const rmiCommand: CommandDefinition = {
  name: 'rmi',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [bool('force', 'f', 'Force removal of the image'), bool('no-prune', undefined, 'Do not delete untagged parents')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const errors: string[] = [];
    for (const name of cmd.args) {
      try {
        const items = await removeImage(client, name, { force: Boolean(cmd.flags.force), noprune: Boolean(cmd.flags['no-prune']) });
        for (const it of items ?? []) {
          if (it.Untagged) ctx.stdout.write(`Untagged: ${it.Untagged}\n`);
          if (it.Deleted) ctx.stdout.write(`Deleted: ${it.Deleted}\n`);
        }
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
