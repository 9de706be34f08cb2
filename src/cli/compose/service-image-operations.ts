// The image operations compose lends the engine: pull through the CLI's pull (registry auth from
// the config file) and build through `berth build` itself, so both behave as their commands do.
import type { ApiClient } from '../../client/api-client.js';
import type { ImageOperations } from '../../compose/engine/compose-session.js';
import type { ServiceConfig } from '../../compose/model/project.js';
import type { CommandContext } from '../command.js';
import { parseArgs } from '../flags/parse-args.js';
import { isAbsolute, join } from 'node:path';
import { Writable } from 'node:stream';

export function serviceImageOperations(ctx: CommandContext, client: ApiClient): ImageOperations {
  return {
    async pull(image, platform) {
      const { pullWithProgress } = await import('../actions/pull-image.js');
      await pullWithProgress(client, image, ctx.stderr, { quiet: true, ...(platform ? { platform } : {}), ...(ctx.configDir ? { configDir: ctx.configDir } : {}) });
    },
    async build(service, tag) {
      const { buildCommand } = await import('../commands/build.js');
      const argv = buildArgv(service, tag);
      const parsed = parseArgs(argv, buildCommand.flags, { interspersed: true });
      // Build output goes nowhere: compose's progress shows one line per image.
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await buildCommand.run({ ...ctx, stdout: sink, stderr: sink, client: async () => client }, { flags: parsed.values, set: parsed.set, args: parsed.args });
    },
  };
}

export function buildArgv(service: ServiceConfig, tag: string): string[] {
  const b = service.build!;
  const argv = ['-t', tag];
  for (const t of b.tags ?? []) argv.push('-t', t);
  if (b.dockerfile) argv.push('-f', isAbsolute(b.dockerfile) ? b.dockerfile : join(b.context, b.dockerfile));
  for (const [k, v] of Object.entries(b.args ?? {})) argv.push('--build-arg', v === null ? k : `${k}=${v}`);
  for (const [k, v] of Object.entries(b.labels ?? {})) argv.push('--label', `${k}=${v}`);
  if (b.target) argv.push('--target', b.target);
  if (b.no_cache) argv.push('--no-cache');
  if (b.pull) argv.push('--pull');
  if (b.network) argv.push('--network', b.network);
  for (const h of b.extra_hosts ?? []) argv.push('--add-host', h);
  argv.push(b.context);
  return argv;
}
