// `export`: the container's filesystem as a tar, to a file (-o) or stdout.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { CommandDefinition } from '../command.js';
import { str } from '../flags/flag-spec.js';

export const exportCommand: CommandDefinition = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  aliases: ['container export'],
  flags: [str('output', 'o', 'Write to a file, instead of STDOUT')],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const out = cmd.flags.output as string | undefined;
    if (!out && ctx.stdout.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const client = await ctx.client();
    const res = await client.send('GET', `/containers/${encodeURIComponent(cmd.args[0]!)}/export`);
    await pipeline(res, out ? createWriteStream(out) : ctx.stdout);
  },
};
