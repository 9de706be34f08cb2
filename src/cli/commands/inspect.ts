// inspect: any object by name or ID (containers, then images), or a given --type. Prints a JSON
// array indented like docker, or one template result per object.
import { ApiError, DaemonUnreachableError } from '../../client/api-error.js';
import type { ApiClient } from '../../client/api-client.js';
import { inspectContainer } from '../../client/containers.js';
import { inspectImage } from '../../client/images.js';
import type { CommandContext, CommandDefinition, ParsedCommand } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { TemplateError, Template } from '../format/go-template/template.js';
import { errorText } from '../actions/each-name.js';

type Kind = 'container' | 'image';

async function fetchObject(client: ApiClient, name: string, kinds: readonly Kind[], size: boolean): Promise<unknown> {
  let last: unknown;
  for (const k of kinds) {
    try {
      return k === 'container' ? await inspectContainer(client, name, size) : await inspectImage(client, name);
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
      last = err;
    }
  }
  if (kinds.length > 1) throw new Error(`Error: No such object: ${name}`);
  throw last;
}

function parseTemplate(format: string): Template {
  try {
    return new Template(format);
  } catch (err) {
    if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
    throw err;
  }
}

async function inspectObjects(ctx: CommandContext, cmd: ParsedCommand, kinds: readonly Kind[]): Promise<number> {
  const format = (cmd.flags.format as string | undefined) ?? '';
  const tmpl = format !== '' && format !== 'json' ? parseTemplate(format) : undefined;
  const client = await ctx.client();
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of cmd.args) {
    try {
      found.push(await fetchObject(client, name, kinds, Boolean(cmd.flags.size)));
    } catch (err) {
      if (err instanceof DaemonUnreachableError) throw err;
      errors.push(err instanceof ApiError && err.statusCode === 404 && kinds.length === 1 ? `Error: No such ${kinds[0]}: ${name}` : errorText(err));
    }
  }
  if (tmpl) {
    let out = '';
    for (const obj of found) {
      try {
        out += tmpl.execute(obj) + '\n';
      } catch (err) {
        ctx.stdout.write(out);
        throw new Error(`template parsing error: ${(err as Error).message}`);
      }
    }
    ctx.stdout.write(out);
  } else {
    ctx.stdout.write(found.length === 0 ? '[]\n' : JSON.stringify(found, null, 4) + '\n');
  }
  if (errors.length) {
    ctx.stderr.write(errors.join('\n') + '\n');
    return 1;
  }
  return 0;
}

const FORMAT_FLAG = str('format', 'f', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template");

export const inspectCommand: CommandDefinition = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on berth objects',
  flags: [FORMAT_FLAG, bool('size', 's', 'Display total file sizes if the type is container'), str('type', undefined, 'Only inspect objects of the given type')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const type = cmd.flags.type as string | undefined;
    if (type && type !== 'container' && type !== 'image') throw new Error(`"${type}" is not a valid value for --type`);
    return inspectObjects(ctx, cmd, type ? [type as Kind] : ['container', 'image']);
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
