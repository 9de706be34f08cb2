import { createReadStream } from 'node:fs';
import { loadImages } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { displayProgressStream } from '../progress/json-progress.js';

export const loadCommand: CommandDefinition = {
  name: 'load',
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [str('input', 'i', 'Read from tar archive file, instead of STDIN'), bool('quiet', 'q', 'Suppress the load output'), str('platform', undefined, 'Load only the given platform variant')],
  args: { max: 0 },
  async run(ctx, cmd) {
    const input = cmd.flags.input as string | undefined;
    if (!input && ctx.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
    const body = input ? createReadStream(input) : ctx.stdin;
    if (input) {
      // Fail early and plainly on a missing file.
      await new Promise<void>((resolve, reject) => {
        (body as ReturnType<typeof createReadStream>).once('open', () => resolve()).once('error', reject);
      });
    }
    const client = await ctx.client();
    const quiet = Boolean(cmd.flags.quiet) || !ctx.stdout.isTTY;
    const res = await loadImages(client, body, quiet);
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('json')) {
      await displayProgressStream(res, ctx.stdout, Boolean(ctx.stdout.isTTY));
    } else {
      for await (const chunk of res) ctx.stdout.write(chunk as Buffer);
    }
  },
};
