// `berth compose`: compose's global flags (-f, -p, --profile, --env-file, --project-directory,
// --progress), then a subcommand from the table below, parsed and run with a ComposeContext.
// Loaded only when `compose` is typed (command-table.ts), so other commands do not pay for it.
import { PROGRAM, type CommandDefinition, type ParsedCommand } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { FlagError, parseArgs } from '../flags/parse-args.js';
import { formatFlags, formatHelp } from '../flags/usage.js';
import { createComposeContext, loadOptionsOf, type ComposeSubcommand } from './compose-context.js';
import { CONFIG_DESCRIPTION, CONFIG_FLAGS, CONFIG_USAGE, runComposeConfig } from './config-command.js';
import { execCommand, runCommand } from './exec-run-commands.js';
import { buildCommand, cpCommand, eventsCommand, imagesCommand, lsCommand, portCommand, pullCommand, pushCommand, topCommand, versionCommand, waitCommand } from './info-commands.js';
import { killCommand, pauseCommand, restartCommand, rmCommand, startCommand, stopCommand, unpauseCommand } from './lifecycle-commands.js';
import { logsCommand } from './logs-command.js';
import { psCommand } from './ps-command.js';
import { createCommand, downCommand, upCommand } from './up-commands.js';

const configCommand: ComposeSubcommand = {
  name: 'config',
  usage: CONFIG_USAGE,
  description: CONFIG_DESCRIPTION,
  flags: CONFIG_FLAGS,
  run: (ctx, cmd) => runComposeConfig(ctx, cmd, loadOptionsOf(ctx.global)),
};

export const SUBCOMMANDS: readonly ComposeSubcommand[] = [
  buildCommand, configCommand, cpCommand, createCommand, downCommand, eventsCommand, execCommand, imagesCommand, killCommand,
  logsCommand, lsCommand, pauseCommand, portCommand, psCommand, pullCommand, pushCommand, restartCommand, rmCommand, runCommand,
  startCommand, stopCommand, topCommand, unpauseCommand, upCommand, versionCommand, waitCommand,
];

const GLOBAL_FLAGS = [
  str('ansi', undefined, 'Control when to print ANSI control characters ("never"|"always"|"auto")', 'auto'),
  list('env-file', undefined, 'Specify an alternate environment file', 'stringArray'),
  list('file', 'f', 'Compose configuration files', 'stringArray'),
  str('parallel', undefined, 'Control max parallelism, -1 for unlimited', '-1', 'int'),
  list('profile', undefined, 'Specify a profile to enable', 'stringArray'),
  str('progress', undefined, 'Set type of progress output (auto, tty, plain, json, quiet)'),
  str('project-directory', undefined, 'Specify an alternate working directory\n(default: the path of the, first specified, Compose file)'),
  str('project-name', 'p', 'Project name'),
  bool('dry-run', undefined, 'Execute command in dry run mode'),
];

function groupHelp(): string {
  return [
    `Usage:  ${PROGRAM} compose [OPTIONS] COMMAND`,
    '',
    'Define and run multi-container applications with berth',
    '',
    'Options:',
    formatFlags(GLOBAL_FLAGS),
    '',
    'Commands:',
    ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(11)} ${c.description}`),
    '',
    `Run '${PROGRAM} compose COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}

export const composeCommand: CommandDefinition = {
  name: 'compose',
  usage: '[OPTIONS] COMMAND',
  description: 'Define and run multi-container applications with berth',
  flags: GLOBAL_FLAGS,
  interspersed: false,
  async run(ctx, cmd: ParsedCommand) {
    const [name, ...rest] = cmd.args;
    if (!name) {
      ctx.stdout.write(groupHelp());
      return 0;
    }
    const sub = SUBCOMMANDS.find((c) => c.name === name);
    if (!sub) {
      ctx.stderr.write(`unknown docker command: "compose ${name}"\n\nRun '${PROGRAM} compose --help' for more information\n`);
      return 1;
    }
    const path = `compose ${name}`;
    let parsed;
    try {
      parsed = parseArgs(rest, sub.flags, { interspersed: sub.interspersed ?? true });
    } catch (err) {
      if (!(err instanceof FlagError)) throw err;
      ctx.stderr.write(`${err.message}\n\nUsage:  ${PROGRAM} ${path} ${sub.usage}\n\nRun '${PROGRAM} ${path} --help' for more information\n`);
      return 1;
    }
    if (parsed.help) {
      ctx.stdout.write(formatHelp(PROGRAM, { path, usage: sub.usage, description: sub.description, flags: sub.flags }));
      return 0;
    }
    const cctx = createComposeContext(ctx, cmd.flags);
    return (await sub.run(cctx, { flags: parsed.values, set: parsed.set, args: parsed.args })) ?? 0;
  },
};
