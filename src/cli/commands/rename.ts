import { renameContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';

export const renameCommand: CommandDefinition = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const [oldName, newName] = cmd.args as [string, string];
    if (newName.trim() === '') throw new Error('Error: Neither old nor new names may be empty');
    const client = await ctx.client();
    await renameContainer(client, oldName, newName);
  },
};
