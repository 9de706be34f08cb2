// What a `berth compose` subcommand is handed: the CLI context, compose's global flags, and the
// ways to get the project (loaded by the model) and a session on it (client + progress + images).
import type { CommandContext, ParsedCommand } from '../command.js';
import type { FlagSpec, FlagValues } from '../flags/flag-spec.js';
import type { ComposeProject, LoadOptions } from '../../compose/model/project.js';
import type { ComposeSession } from '../../compose/engine/compose-session.js';
import { createProgressWriter, type ProgressMode } from '../../compose/engine/progress-writer.js';
import { PROJECT_LABEL } from '../../compose/engine/labels.js';
import { serviceImageOperations } from './service-image-operations.js';

export interface ComposeContext extends CommandContext {
  readonly global: FlagValues;
  /** Loads the project from -f/-p/--profile/--env-file/--project-directory and the environment. */
  project(): Promise<ComposeProject>;
  /** The project's name without needing its files when -p or COMPOSE_PROJECT_NAME gives it. */
  projectName(): Promise<string>;
  session(project: ComposeProject): Promise<ComposeSession>;
}

export interface ComposeSubcommand {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly interspersed?: boolean;
  run(ctx: ComposeContext, cmd: ParsedCommand): Promise<number | void>;
}

export function loadOptionsOf(global: FlagValues): LoadOptions {
  const files = global.file as string[];
  const envFiles = global['env-file'] as string[];
  const profiles = global.profile as string[];
  return {
    ...(files.length ? { files } : {}),
    ...(global['project-directory'] ? { workingDir: global['project-directory'] as string } : {}),
    ...(global['project-name'] ? { projectName: global['project-name'] as string } : {}),
    ...(envFiles.length ? { envFiles } : {}),
    ...(profiles.length ? { profiles } : {}),
    environment: process.env,
  };
}

export function createComposeContext(ctx: CommandContext, global: FlagValues): ComposeContext {
  let loaded: Promise<ComposeProject> | undefined;
  const project = (): Promise<ComposeProject> => {
    loaded ??= import('../../compose/model/load-project.js').then((m) => m.loadProject(loadOptionsOf(global)));
    return loaded;
  };
  const progressMode = (): ProgressMode => {
    const p = (global.progress as string | undefined) ?? process.env.COMPOSE_PROGRESS ?? 'auto';
    return p === 'quiet' ? 'quiet' : p === 'plain' ? 'plain' : p === 'tty' ? 'tty' : 'auto';
  };
  return Object.assign(Object.create(ctx) as CommandContext, {
    global,
    project,
    async projectName(): Promise<string> {
      const given = (global['project-name'] as string | undefined) ?? process.env.COMPOSE_PROJECT_NAME;
      if (given) return given.toLowerCase();
      return (await project()).name;
    },
    async session(p: ComposeProject): Promise<ComposeSession> {
      const client = await ctx.client();
      return { client, project: p, progress: createProgressWriter(ctx.stderr, progressMode()), images: serviceImageOperations(ctx, client) };
    },
  });
}

export { PROJECT_LABEL };
