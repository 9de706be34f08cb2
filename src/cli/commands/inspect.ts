// inspect: any object by name or ID, looked up in docker's order (container, image, network,
// volume), or of one --type.
import { ANY_KIND, FORMAT_FLAG, type Kind, TYPES, inspectObjects } from '../actions/inspect-objects.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';


export const inspectCommand: CommandDefinition = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on berth objects',
  flags: [FORMAT_FLAG, bool('size', 's', 'Display total file sizes if the type is container'), str('type', undefined, 'Only inspect objects of the given type')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const type = (cmd.flags.type as string | undefined) ?? '';
    if (type !== '' && !(TYPES as readonly string[]).includes(type)) {
      throw new Error(`unknown type: ${JSON.stringify(type)}: must be one of ${TYPES.map((t) => JSON.stringify(t)).join(', ')}`);
    }
    return inspectObjects(ctx, cmd, type ? [type as Kind] : ANY_KIND);
  },
};

export const containerInspectCommand: CommandDefinition = {
  name: 'container inspect',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  flags: [FORMAT_FLAG, bool('size', 's', 'Display total file sizes')],
  args: { min: 1 },
  run: (ctx, cmd) => inspectObjects(ctx, cmd, ['container']),
};

export const imageInspectCommand: CommandDefinition = {
  name: 'image inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Display detailed information on one or more images',
  flags: [FORMAT_FLAG, str('platform', undefined, 'Inspect a specific platform of the multi-platform image')],
  args: { min: 1 },
  run: (ctx, cmd) => inspectObjects(ctx, cmd, ['image']),
};
