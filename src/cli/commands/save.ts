import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { saveImages } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { str } from '../flags/flag-spec.js';

export const saveCommand: CommandDefinition = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [str('output', 'o', 'Write to a file, instead of STDOUT'), str('platform', undefined, 'Save only the given platform variant')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const output = cmd.flags.output as string | undefined;
    if (!output && ctx.stdout.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const client = await ctx.client();
    const res = await saveImages(client, cmd.args, cmd.flags.platform as string | undefined);
    if (output) {
      // Write to a temporary name first so a failed save leaves no half file behind.
      const { rename, unlink } = await import('node:fs/promises');
      const tmp = `${output}.berth-save-${process.pid}`;
      try {
        await pipeline(res, createWriteStream(tmp));
        await rename(tmp, output);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    } else {
      await pipeline(res, ctx.stdout, { end: false });
    }
  },
};
