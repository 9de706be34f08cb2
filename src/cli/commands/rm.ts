import { removeContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { bool } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';

export const rmCommand: CommandDefinition = {
  name: 'rm',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    bool('force', 'f', 'Force the removal of a running container (uses SIGKILL)'),
    bool('link', 'l', 'Remove the specified link'),
    bool('volumes', 'v', 'Remove anonymous volumes associated with the container'),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const names = cmd.args.map((a) => a.replace(/^\/+/, ''));
    return forEachName(ctx, names, (n) => removeContainer(client, n, { force: Boolean(cmd.flags.force), volumes: Boolean(cmd.flags.volumes), link: Boolean(cmd.flags.link) }));
  },
};
