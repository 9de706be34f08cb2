// `commit`: a new image from a container's changes (POST /commit).
import type { CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';

export const commitCommand: CommandDefinition = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  aliases: ['container commit'],
  flags: [
    str('author', 'a', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")'),
    list('change', 'c', 'Apply Dockerfile instruction to the created image'),
    str('message', 'm', 'Commit message'),
    bool('pause', 'p', 'Pause container during commit', true),
  ],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    let repo = '';
    let tag = '';
    const ref = cmd.args[1];
    if (ref) {
      const slash = ref.lastIndexOf('/');
      const colon = ref.lastIndexOf(':');
      if (colon > slash) {
        repo = ref.slice(0, colon);
        tag = ref.slice(colon + 1);
      } else repo = ref;
    }
    const client = await ctx.client();
    const r = await client.json<{ Id: string }>('POST', '/commit', {
      query: {
        container: cmd.args[0]!,
        repo,
        tag,
        comment: (f.message as string | undefined) ?? '',
        author: (f.author as string | undefined) ?? '',
        pause: f.pause === false ? '0' : '1',
        changes: (f.change as string[] | undefined) ?? [],
      },
      body: {},
    });
    ctx.stdout.write(`${r.Id}\n`);
  },
};
