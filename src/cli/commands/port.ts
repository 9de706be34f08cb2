import { inspectContainer } from '../../client/containers.js';
import type { CommandDefinition } from '../command.js';
import { formatPortBindings } from '../format/port-bindings.js';

export const portCommand: CommandDefinition = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  flags: [],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const c = await inspectContainer(client, cmd.args[0]!);
    const ports = c.NetworkSettings?.Ports ?? {};
    const lines = formatPortBindings(ports, cmd.args[1]);
    if (cmd.args[1] !== undefined && lines.length === 0) {
      throw new Error(`Error: No public port '${cmd.args[1]!.includes('/') ? cmd.args[1] : `${cmd.args[1]}/tcp`}' published for ${cmd.args[0]}`);
    }
    ctx.stdout.write(lines.map((l) => `${l}\n`).join(''));
  },
};
