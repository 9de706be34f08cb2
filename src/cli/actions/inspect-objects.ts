// Inspects objects by name: one kind, or several tried in turn (docker's `inspect NAME`); prints a
// JSON array indented like docker, or one template result per object, then the failures.
import { ApiError, DaemonUnreachableError } from '../../client/api-error.js';
import type { ApiClient } from '../../client/api-client.js';
import { inspectContainer } from '../../client/containers.js';
import { inspectImage } from '../../client/images.js';
import { inspectNetwork } from '../../client/networks.js';
import type { CommandContext, ParsedCommand } from '../command.js';
import { TemplateError, Template } from '../format/go-template/template.js';
import { errorText } from './each-name.js';
import { str } from '../flags/flag-spec.js';

/** docker's --type values; the swarm ones and plugins go to the daemon, which has no such objects. */
export const TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'] as const;
export type Kind = (typeof TYPES)[number];
/** What `inspect NAME` tries, in docker's order (it skips the swarm kinds off swarm). */
export const ANY_KIND: readonly Kind[] = ['container', 'image', 'network', 'volume', 'plugin'];

const PATHS: Partial<Record<Kind, string>> = {
  volume: '/volumes/', plugin: '/plugins/', node: '/nodes/', service: '/services/', task: '/tasks/', secret: '/secrets/', config: '/configs/',
};

export interface InspectFlags {
  size: boolean;
  verbose: boolean;
}

async function fetchOne(client: ApiClient, name: string, kind: Kind, o: InspectFlags): Promise<unknown> {
  if (kind === 'container') return inspectContainer(client, name, o.size);
  if (kind === 'image') return inspectImage(client, name);
  if (kind === 'network') return inspectNetwork(client, name, o.verbose);
  return client.json('GET', `${PATHS[kind]!}${encodeURIComponent(name)}${kind === 'plugin' ? '/json' : ''}`);
}

async function fetchObject(client: ApiClient, name: string, kinds: readonly Kind[], o: InspectFlags): Promise<unknown> {
  if (kinds.length === 1) return fetchOne(client, name, kinds[0]!, o);
  for (const k of kinds) {
    try {
      return await fetchOne(client, name, k, o);
    } catch (err) {
      // A daemon without plugins answers 404 "page not found", which is a miss too.
      if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
    }
  }
  throw new Error(`Error: No such object: ${name}`);
}

function parseTemplate(format: string): Template {
  try {
    return new Template(format);
  } catch (err) {
    if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
    throw err;
  }
}

/** Inspects each name; prints what was found, then the failures. Shared by every `… inspect`. */
export async function inspectObjects(ctx: CommandContext, cmd: ParsedCommand, kinds: readonly Kind[]): Promise<number> {
  const format = (cmd.flags.format as string | undefined) ?? '';
  const tmpl = format !== '' && format !== 'json' ? parseTemplate(format) : undefined;
  const client = await ctx.client();
  const found: unknown[] = [];
  const errors: string[] = [];
  const o = { size: Boolean(cmd.flags.size), verbose: Boolean(cmd.flags.verbose) };
  for (const name of cmd.args) {
    try {
      found.push(await fetchObject(client, name, kinds, o));
    } catch (err) {
      if (err instanceof DaemonUnreachableError) throw err;
      errors.push(errorText(err));
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


/** The -f/--format flag of every `… inspect`. */
export const FORMAT_FLAG = str('format', 'f', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template");
