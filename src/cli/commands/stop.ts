import { restartContainer, stopContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { int, str } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';

const flags = [
  str('signal', 's', 'Signal to send to the container'),
  int('timeout', 't', 'Seconds to wait before killing the container'),
  { ...int('time', undefined, 'Seconds to wait before killing the container (deprecated: use --timeout)'), hidden: true },
];

function options(cmd: { flags: Record<string, unknown> }): { timeout?: number; signal?: string } {
  const t = (cmd.flags.timeout ?? cmd.flags.time) as number | undefined;
  return { ...(t !== undefined ? { timeout: t } : {}), ...(cmd.flags.signal ? { signal: cmd.flags.signal as string } : {}) };
}

export const stopCommand: CommandDefinition = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags,
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => stopContainer(client, n, options(cmd)));
  },
};

export const restartCommand: CommandDefinition = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  flags,
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => restartContainer(client, n, options(cmd)));
  },
};
