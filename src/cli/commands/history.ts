import { imageHistory } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { ellipsis, goTimeString, humanSize, timeAgo } from '../format/units.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import type { HistoryEntry } from '../../client/images.js';

const HEADERS = new HeaderContext({ ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' });
const DEFAULT_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

class HistoryContext {
  constructor(private readonly h: HistoryEntry, private readonly trunc: boolean, private readonly human: boolean) {}
  ID(): string {
    if (this.h.Id === '<missing>' || this.h.Id === '') return '<missing>';
    const hex = this.h.Id.startsWith('sha256:') ? this.h.Id.slice(7) : this.h.Id;
    return this.trunc ? hex.slice(0, 12) : this.h.Id;
  }
  CreatedSince(): string {
    return this.human ? timeAgo(this.h.Created) : goTimeString(this.h.Created);
  }
  CreatedAt(): string {
    return this.human ? new Date(this.h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : String(this.h.Created);
  }
  CreatedBy(): string {
    const by = (this.h.CreatedBy ?? '').replace(/\t/g, ' ');
    return this.trunc ? ellipsis(by, 45) : by;
  }
  Size(): string {
    return this.human ? humanSize(this.h.Size, 3) : String(this.h.Size);
  }
  Comment(): string {
    return this.h.Comment ?? '';
  }
  toTemplateJSON(): Record<string, string> {
    return { Comment: this.Comment(), CreatedAt: this.CreatedAt(), CreatedBy: this.CreatedBy(), CreatedSince: this.CreatedSince(), ID: this.ID(), Size: this.Size() };
  }
}

export const historyCommand: CommandDefinition = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image',
  flags: [
    str('format', undefined, 'Format output using a custom template'),
    bool('human', 'H', 'Print sizes and dates in human readable format', true),
    bool('no-trunc', undefined, "Don't truncate output"),
    str('platform', undefined, 'Show history for the given platform. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")'),
    bool('quiet', 'q', 'Only show image IDs'),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const resolved = resolveFormat(f.quiet ? '{{.ID}}' : (f.format as string | undefined), DEFAULT_TABLE);
    compileFormat(resolved.template);
    const client = await ctx.client();
    const entries = await imageHistory(client, cmd.args[0]!, (f.platform as string | undefined) || undefined);
    const rows = entries.map((h) => new HistoryContext(h, !f['no-trunc'], f.human !== false));
    ctx.stdout.write(renderList(resolved, rows, HEADERS));
  },
};
