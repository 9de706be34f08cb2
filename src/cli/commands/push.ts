import { pushImage } from '../../client/images.js';
import { encodeRegistryAuth } from '../../client/system.js';
import { familiarName, parseReference } from '../../oci/reference.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { displayProgressStream } from '../progress/json-progress.js';
import { registryAuthFor } from '../actions/registry-auth.js';

export const pushCommand: CommandDefinition = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  flags: [
    bool('all-tags', 'a', 'Push all tags of an image to the repository'),
    bool('disable-content-trust', undefined, 'Skip image signing', true),
    str('platform', undefined, 'Push a platform-specific manifest as a single-platform image to the registry'),
    bool('quiet', 'q', 'Suppress verbose output'),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const ref = parseReference(cmd.args[0]!);
    const allTags = Boolean(cmd.flags['all-tags']);
    if (allTags && (ref.tag || ref.digest)) throw new Error('tag can\'t be used with --all-tags/-a');
    const tag = allTags ? undefined : ref.tag ?? 'latest';
    const client = await ctx.client();
    const auth = (await registryAuthFor(cmd.args[0]!, ctx.configDir)) ?? encodeRegistryAuth({});
    const res = await pushImage(client, familiarName(ref), tag, auth, cmd.flags.platform as string | undefined);
    if (cmd.flags.quiet) {
      const { readJsonStream } = await import('../../client/json-stream.js');
      const { StreamError } = await import('../progress/json-progress.js');
      for await (const m of readJsonStream<{ error?: string; errorDetail?: { message?: string } }>(res)) {
        if (m.error || m.errorDetail) throw new StreamError(m.errorDetail?.message ?? m.error!);
      }
      ctx.stdout.write(`${cmd.args[0]}\n`);
      return;
    }
    await displayProgressStream(res, ctx.stdout);
  },
};
