import { parseFilters } from '../../client/filters.js';
import { readJsonStream } from '../../client/json-stream.js';
import { streamEvents } from '../../client/system.js';
import type { EventMessage } from '../../client/types.js';
import type { CommandDefinition } from '../command.js';
import { list, str } from '../flags/flag-spec.js';
import { compileFormat } from '../format/list-format.js';
import { TemplateError } from '../format/go-template/template.js';
import { formatRfc3339Nano, toApiTimestamp } from '../format/timestamps.js';

/** docker's default event line. */
export function formatEvent(e: EventMessage): string {
  let s = '';
  if (e.timeNano) s += `${formatRfc3339Nano(e.timeNano)} `;
  else if (e.time) s += `${formatRfc3339Nano(BigInt(e.time) * 1_000_000_000n)} `;
  s += `${e.Type ?? ''} ${e.Action ?? ''} ${e.Actor?.ID ?? ''}`;
  const attrs = e.Actor?.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length) s += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return s + '\n';
}

export const eventsCommand: CommandDefinition = {
  name: 'events',
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  flags: [
    list('filter', 'f', 'Filter output based on conditions provided', 'filter'),
    str('format', undefined, "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template"),
    str('since', undefined, 'Show all events created since timestamp'),
    str('until', undefined, 'Stream events until this timestamp'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const format = cmd.flags.format as string | undefined;
    const tmpl = format ? compileFormat(format === 'json' ? '{{json .}}' : format) : undefined;
    const client = await ctx.client();
    const res = await streamEvents(client, {
      ...(cmd.flags.since ? { since: toApiTimestamp(cmd.flags.since as string) } : {}),
      ...(cmd.flags.until ? { until: toApiTimestamp(cmd.flags.until as string) } : {}),
      filters: parseFilters(cmd.flags.filter as string[]),
    });
    for await (const e of readJsonStream<EventMessage>(res)) {
      if (!tmpl) {
        ctx.stdout.write(formatEvent(e));
        continue;
      }
      try {
        ctx.stdout.write(tmpl.execute(e) + '\n');
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
        throw err;
      }
    }
  },
};
