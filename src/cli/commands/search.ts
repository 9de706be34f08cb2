// `berth search [OPTIONS] TERM`: GET /images/search (the daemon asks the registry the term names)
// printed in docker's table: NAME, DESCRIPTION (45 characters unless --no-trunc), STARS, OFFICIAL.
import { parseFilters } from '../../client/filters.js';
import { type SearchResult, searchImages } from '../../client/images.js';
import { registryAuthFor } from '../actions/registry-auth.js';
import type { CommandDefinition } from '../command.js';
import { bool, int, list, str } from '../flags/flag-spec.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { ellipsis } from '../format/units.js';

const HEADERS = new HeaderContext({ Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL' });
const DEFAULT_TABLE = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';

class SearchContext {
  constructor(private readonly r: SearchResult, private readonly trunc: boolean) {}
  Name(): string {
    return this.r.name;
  }
  Description(): string {
    const d = (this.r.description ?? '').replace(/[\r\n]/g, ' ');
    return this.trunc ? ellipsis(d, 45) : d;
  }
  StarCount(): string {
    return String(this.r.star_count ?? 0);
  }
  IsOfficial(): string {
    return this.r.is_official ? '[OK]' : '';
  }
  /** JSON output spells the flag as a word: "true"/"false". */
  toTemplateJSON(): Record<string, string> {
    return { Description: this.Description(), IsOfficial: String(Boolean(this.r.is_official)), Name: this.Name(), StarCount: this.StarCount() };
  }
}

export const searchCommand: CommandDefinition = {
  name: 'search',
  usage: '[OPTIONS] TERM',
  description: 'Search a registry for images (Docker Hub unless the term names a registry: host:port/term)',
  flags: [
    list('filter', 'f', 'Filter output based on conditions provided', 'filter'),
    str('format', undefined, 'Pretty-print search using a Go template'),
    int('limit', undefined, 'Max number of search results'),
    bool('no-trunc', undefined, "Don't truncate output"),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const resolved = resolveFormat(f.format as string | undefined, DEFAULT_TABLE);
    compileFormat(resolved.template);
    const term = cmd.args[0]!;
    const client = await ctx.client();
    const auth = await registryAuthFor(term, ctx.configDir);
    const limit = f.limit as number | undefined;
    const results = await searchImages(client, { term, ...(limit ? { limit } : {}), filters: parseFilters(f.filter as string[]) }, auth);
    ctx.stdout.write(renderList(resolved, results.map((r) => new SearchContext(r, !f['no-trunc'])), HEADERS));
  },
};
