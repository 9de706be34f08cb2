// `berth`: global flags, command lookup (modules load lazily), and docker's error conventions:
// flag errors exit 125 with a usage hint, daemon errors print `Error response from daemon: …`.
// Started by src/launcher/launch-cli.cts, from the CLI bundle or from dist/.
import { PROGRAM, type CommandContext, type CommandDefinition, ExitError, UsageError } from './command.js';
import { COMMANDS, MANAGEMENT, lookupCommand } from './command-table.js';
import { GLOBAL_FLAGS } from './global-flags.js';
import { FlagError, parseArgs } from './flags/parse-args.js';
import { formatFlags, formatHelp } from './flags/usage.js';
import { packageVersionOf } from './version-info.js';
import { type CliIO, processIO } from './cli-io.js';

function rootHelp(): string {
  const line = (name: string, summary: string): string => `  ${name.padEnd(11)} ${summary}`;
  const top = (group: string): string[] =>
    COMMANDS.filter((c) => c.group === group && !c.paths[0]!.includes(' ')).map((c) => line(c.paths[0]!, c.summary));
  return [
    `Usage:  ${PROGRAM} [OPTIONS] COMMAND`,
    '',
    'A container engine that speaks the Docker Engine API',
    '',
    'Common Commands:',
    ...top('common'),
    '',
    'Management Commands:',
    ...Object.entries(MANAGEMENT).filter(([n]) => !n.includes(' ')).map(([n, s]) => line(n, s)),
    '',
    'Commands:',
    ...top('other').sort(),
    '',
    'Global Options:',
    formatFlags(GLOBAL_FLAGS),
    '',
    `Run '${PROGRAM} COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}

function managementHelp(group: string): string {
  const depth = group.split(' ').length;
  const subs = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const c of COMMANDS) {
    for (const p of c.paths) {
      const words = p.split(' ');
      const sub = words[depth];
      if (words.slice(0, depth).join(' ') !== group || !sub) continue;
      const inner = MANAGEMENT[`${group} ${sub}`];
      if (words.length > depth + 1 && inner !== undefined) groups.set(sub, inner);
      else if (!subs.has(sub) && !['list', 'remove', 'ps'].includes(sub)) subs.set(sub, c.summary);
    }
  }
  const section = (title: string, m: Map<string, string>): string[] =>
    m.size === 0 ? [] : [title, ...[...m.keys()].sort().map((s) => `  ${s.padEnd(11)} ${m.get(s)}`), ''];
  return [
    `Usage:  ${PROGRAM} ${group} COMMAND`,
    '',
    MANAGEMENT[group]!,
    '',
    ...section('Management Commands:', groups),
    ...section('Commands:', subs),
    `Run '${PROGRAM} ${group} COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}

function write(stream: CliIO['stdout'], text: string): void {
  stream.write(text);
}

/**
 * Exits once stdout and stderr have drained (pipes write asynchronously), a turn of the loop later:
 * a failed write's 'error' comes a tick after its callback, and a broken pipe must still be seen
 * (the launcher then dies of SIGPIPE, as docker's CLI does).
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) setImmediate(() => process.exit(code));
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function aliasesOf(path: string): string[] {
  const e = COMMANDS.find((c) => c.paths.includes(path));
  if (!e || e.paths.length < 2) return [];
  // docker lists the management form first, then the short one.
  return [...e.paths].sort((a, b) => b.split(' ').length - a.split(' ').length);
}

async function runCommand(def: CommandDefinition, path: string, argv: string[], ctx: CommandContext): Promise<number> {
  const { stdout, stderr } = ctx;
  const usageLine = `Usage:  ${PROGRAM} ${path} ${def.usage}`;
  let parsed;
  try {
    parsed = parseArgs(argv, def.flags, { interspersed: def.interspersed ?? true });
  } catch (err) {
    if (err instanceof FlagError) {
      write(stderr, `${err.message}\n\n${usageLine}\n\nRun '${PROGRAM} ${path} --help' for more information\n`);
      return 125;
    }
    throw err;
  }
  if (parsed.help) {
    write(stdout, formatHelp(PROGRAM, { path, usage: def.usage, description: def.description, aliases: aliasesOf(path), flags: def.flags }));
    return 0;
  }
  const { min, max } = def.args ?? {};
  const n = parsed.args.length;
  // docker's texts: only the "at least" form says "See …", the others "Run …".
  const plural = (k: number): string => (k === 1 ? 'argument' : 'arguments');
  let countError: string | undefined;
  let hint = 'Run';
  if (min !== undefined && max !== undefined && min === max) {
    if (n !== min) countError = `requires ${min} ${plural(min)}`;
  } else if (min !== undefined && max !== undefined) {
    if (n < min || n > max) countError = `requires at least ${min} and at most ${max} ${plural(max)}`;
  } else if (min !== undefined && n < min) {
    countError = `requires at least ${min} ${plural(min)}`;
    hint = 'See';
  } else if (max !== undefined && n > max) {
    countError = max === 0 ? 'accepts no arguments' : `requires at most ${max} ${plural(max)}`;
  }
  if (countError) {
    write(stderr, `${PROGRAM}: '${PROGRAM} ${path}' ${countError}\n\n${usageLine}\n\n${hint} '${PROGRAM} ${path} --help' for more information\n`);
    return 1;
  }
  try {
    const code = await def.run(ctx, { flags: parsed.values, set: parsed.set, args: parsed.args });
    return code ?? 0;
  } catch (err) {
    return reportError(err, def, path, stderr);
  }
}

async function reportError(err: unknown, def: CommandDefinition, path: string, stderr: CliIO['stderr']): Promise<number> {
  const { ApiError } = await import('../client/api-error.js');
  let message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiError) message = `Error response from daemon: ${message}`;
  // Node's "ENOENT: no such file or directory, open '/x'" in Go's words: "open /x: no such file or directory".
  const sys = /^E[A-Z]+: (.+), (\w+) '(.*)'$/.exec(message);
  if (sys) message = `${sys[2]} ${sys[3]}: ${sys[1]}`;
  if (err instanceof UsageError) {
    write(stderr, `${PROGRAM}: ${message}\n\nSee '${PROGRAM} ${path} --help' for more information\n`);
    return 1;
  }
  const exitCode = err instanceof ExitError ? err.exitCode : def.errorStyle === 'run' ? 125 : 1;
  if (process.env.BERTH_DEBUG_ERRORS && err instanceof Error) write(stderr, `${err.stack}\n`);
  if (def.errorStyle === 'run') {
    write(stderr, `${PROGRAM}: ${message}\n\nRun '${PROGRAM} ${path} --help' for more information\n`);
  } else {
    write(stderr, `${message}\n`);
  }
  return exitCode;
}

/** Loads an ES module by URL; the launcher passes its own `import()`, which a bundle cannot use. */
export type ImportModule = (url: string) => Promise<unknown>;

/** The registry commands (commander, the registry server) stay out of the bundle: loaded from dist/. */
async function tryRegistryCommands(argv: string[], importModule: ImportModule): Promise<number | undefined> {
  type RegistryModule = { runRegistryCommands: (program: string, argv: string[]) => Promise<number | undefined> };
  let mod: RegistryModule;
  try {
    mod = (await importModule(new URL('./commands/registry.js', import.meta.url).href)) as RegistryModule;
  } catch {
    return undefined;
  }
  return mod.runRegistryCommands(PROGRAM, argv);
}

export async function main(argv: string[], importModule: ImportModule = (url) => import(url), io: CliIO = processIO()): Promise<number> {
  const { stdout, stderr } = io;
  let global;
  try {
    global = parseArgs(argv, GLOBAL_FLAGS, { interspersed: false });
  } catch (err) {
    if (err instanceof FlagError) {
      write(stderr, `${err.message}\n\nUsage:  ${PROGRAM} [OPTIONS] COMMAND [ARG...]\n\nRun '${PROGRAM} --help' for more information\n`);
      return 125;
    }
    throw err;
  }
  if (global.values.version) {
    write(stdout, `berth version ${packageVersionOf()}\n`);
    return 0;
  }
  const rest = global.args;
  if (rest.length === 0 || global.help) {
    write(stdout, rootHelp());
    return 0;
  }
  const found = lookupCommand(rest);
  if (!found) {
    // `registry` is written with commander in its own module (listed under MANAGEMENT for help).
    const viaRegistry = rest[0] === 'registry' ? await tryRegistryCommands(rest, importModule) : undefined;
    if (viaRegistry !== undefined) return viaRegistry;
    const group = MANAGEMENT[rest.slice(0, 2).join(' ')] !== undefined ? rest.slice(0, 2).join(' ') : rest[0]!;
    if (MANAGEMENT[group] !== undefined) {
      const depth = group.split(' ').length;
      if (rest.length === depth || rest[depth] === '--help') {
        write(stdout, managementHelp(group));
        return 0;
      }
      write(stderr, `${PROGRAM}: unknown command: ${PROGRAM} ${rest.slice(0, depth + 1).join(' ')}\n\nRun '${PROGRAM} ${group} --help' for more information\n`);
      return 1;
    }
    write(stderr, `${PROGRAM}: unknown command: ${PROGRAM} ${rest[0]}\n\nRun '${PROGRAM} --help' for more information\n`);
    return 1;
  }
  const { createContext } = await import('./context.js');
  const ctx = Object.assign(createContext(global.values, io), { commandTable: { commands: COMMANDS, management: MANAGEMENT } });
  const def = await found.entry.load();
  try {
    return await runCommand(def, found.path, rest.slice(found.words), ctx);
  } finally {
    ctx.dispose();
  }
}

/** Runs the command line and exits with its status once output has drained. */
export function runCli(argv: string[], importModule?: ImportModule): void {
  main(argv, importModule).then(exitWhenFlushed, (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    exitWhenFlushed(1);
  });
}
