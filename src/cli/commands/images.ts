import { parseFilters } from '../../client/filters.js';
import { listImages } from '../../client/images.js';
import type { CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { DEFAULT_IMAGES_TABLE, DEFAULT_IMAGES_TABLE_WITH_DIGESTS, IMAGE_HEADERS, imageRows } from '../format/image-context.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { FORMAT_HELP } from './ps.js';

export const imagesCommand: CommandDefinition = {
  name: 'images',
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    bool('all', 'a', 'Show all images (default hides intermediate images)'),
    bool('digests', undefined, 'Show digests'),
    list('filter', 'f', 'Filter output based on conditions provided', 'filter'),
    str('format', undefined, FORMAT_HELP),
    bool('no-trunc', undefined, "Don't truncate output"),
    bool('quiet', 'q', 'Only show image IDs'),
  ],
  args: { max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const filters = parseFilters(f.filter as string[]);
    if (cmd.args[0]) (filters.reference ??= []).push(cmd.args[0]);
    let format = f.format as string | undefined;
    const quiet = Boolean(f.quiet);
    if (quiet) format = '{{.ID}}';
    const digests = Boolean(f.digests);
    const resolved = resolveFormat(format, digests ? DEFAULT_IMAGES_TABLE_WITH_DIGESTS : DEFAULT_IMAGES_TABLE);
    compileFormat(resolved.template);
    const client = await ctx.client();
    const images = await listImages(client, { all: Boolean(f.all), filters });
    let rows = imageRows(images, digests || /\.Digest\b/.test(resolved.template), !f['no-trunc']);
    if (quiet) {
      // -q lists each image once.
      const seen = new Set<string>();
      rows = rows.filter((r) => (seen.has(r.ID()) ? false : (seen.add(r.ID()), true)));
    }
    ctx.stdout.write(renderList(resolved, rows, IMAGE_HEADERS));
  },
};
