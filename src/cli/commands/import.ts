import { createReadStream } from 'node:fs';
import { importImage } from '../../client/images.js';
import { familiarName, parseReference } from '../../oci/reference.js';
import type { CommandDefinition } from '../command.js';
import { list, str } from '../flags/flag-spec.js';
import { displayProgressStream } from '../progress/json-progress.js';

export const importCommand: CommandDefinition = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    list('change', 'c', 'Apply Dockerfile instruction to the created image'),
    str('message', 'm', 'Set commit message for imported image'),
    str('platform', undefined, 'Set platform if server is multi-platform capable'),
  ],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    const [source, target] = cmd.args as [string, string | undefined];
    let repo: string | undefined;
    let tag: string | undefined;
    if (target) {
      const ref = parseReference(target);
      repo = familiarName(ref);
      tag = ref.tag;
    }
    let body: NodeJS.ReadableStream | undefined;
    let fromSrc = source;
    if (source === '-') {
      body = ctx.stdin;
    } else if (!/^https?:\/\//.test(source)) {
      const file = createReadStream(source);
      await new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject));
      body = file;
      fromSrc = '-';
    }
    const client = await ctx.client();
    const res = await importImage(client, {
      fromSrc, ...(repo ? { repo } : {}), ...(tag ? { tag } : {}),
      ...(cmd.flags.message ? { message: cmd.flags.message as string } : {}),
      changes: cmd.flags.change as string[],
      ...(cmd.flags.platform ? { platform: cmd.flags.platform as string } : {}),
    }, body);
    // The stream ends with {"status": "sha256:…"}, the new image's ID, which docker prints.
    await displayProgressStream(res, ctx.stdout);
  },
};
