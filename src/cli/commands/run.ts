import type { CommandDefinition } from '../command.js';
import { CONTAINER_FLAGS, RUN_ONLY_FLAGS } from '../container-options/container-flags.js';
import { planFromCommand, runContainer } from '../actions/run-container.js';

export const runCommand: CommandDefinition = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  flags: [...CONTAINER_FLAGS, ...RUN_ONLY_FLAGS],
  interspersed: false,
  args: { min: 1 },
  errorStyle: 'run',
  async run(ctx, cmd) {
    const plan = planFromCommand(cmd);
    return runContainer(ctx, plan, {
      detach: Boolean(cmd.flags.detach),
      ...(cmd.flags['detach-keys'] ? { detachKeys: cmd.flags['detach-keys'] as string } : {}),
      sigProxy: cmd.flags['sig-proxy'] !== false,
      quiet: Boolean(cmd.flags.quiet),
    });
  },
};
