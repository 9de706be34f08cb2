import { tagImage } from '../../client/images.js';
import { familiarName, parseReference } from '../../oci/reference.js';
import type { CommandDefinition } from '../command.js';

export const tagCommand: CommandDefinition = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const [source, target] = cmd.args as [string, string];
    const ref = parseReference(target);
    if (ref.digest) throw new Error('refusing to create a tag with a digest reference');
    const client = await ctx.client();
    await tagImage(client, source, familiarName(ref), ref.tag ?? 'latest');
  },
};
