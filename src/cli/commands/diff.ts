// `diff`: the container's changes over its image, one `A|C|D path` line each.
import type { CommandDefinition } from '../command.js';

const KIND = ['C', 'A', 'D'];

export const diffCommand: CommandDefinition = {
  name: 'diff',
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  aliases: ['container diff'],
  flags: [],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const changes = await client.json<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${encodeURIComponent(cmd.args[0]!)}/changes`);
    ctx.stdout.write((changes ?? []).map((c) => `${KIND[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  },
};
