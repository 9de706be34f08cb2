import { removeImage } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { bool, list } from '../flags/flag-spec.js';
import { splitCsv } from '../flags/csv-fields.js';
import { errorText } from '../actions/each-name.js';

export const rmiCommand: CommandDefinition = {
  name: 'rmi',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [
    bool('force', 'f', 'Force removal of the image'),
    bool('no-prune', undefined, 'Do not delete untagged parents'),
    list('platform', undefined, 'Remove only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")', 'strings'),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const errors: string[] = [];
    for (const name of cmd.args) {
      try {
        const items = await removeImage(client, name, { force: Boolean(cmd.flags.force), noprune: Boolean(cmd.flags['no-prune']), platforms: (cmd.flags.platform as string[]).flatMap(splitCsv).filter(Boolean) });
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
