// What a command module exports: its flags, usage line and a `run` that turns parsed flags into
// calls to the API client and formatting modules.
import type { Readable, Writable } from 'node:stream';
import type { ApiClient } from '../client/api-client.js';
import type { FlagSpec, FlagValues } from './flags/flag-spec.js';

export const PROGRAM = 'berth';

export interface CommandContext {
  readonly stdin: Readable & { isTTY?: boolean; fd?: number };
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  /** Connects (starting berthd when allowed) and negotiates the API version on first use. */
  client(): Promise<ApiClient>;
  /** Directory of the CLI's config file (--config / DOCKER_CONFIG). */
  readonly configDir: string | undefined;
  /** The context in use (--context, DOCKER_CONTEXT, config.json; "default" when none). */
  currentContext?(): string;
  /** The command table, for commands about commands (`completion`); main.ts hands it in. */
  readonly commandTable?: CommandTable;
}

/** Every command with its spellings and summary, and the management groups (see command-table.ts). */
export interface CommandTable {
  readonly commands: readonly { readonly paths: readonly string[]; readonly summary: string; load(): Promise<CommandDefinition> }[];
  readonly management: Readonly<Record<string, string>>;
}

export interface ParsedCommand {
  readonly flags: FlagValues;
  /** Flags given on the command line (to tell an explicit value from a default). */
  readonly set: ReadonlySet<string>;
  readonly args: string[];
}

export interface CommandDefinition {
  /** Full path as typed, e.g. `run` or `image ls`. */
  readonly name: string;
  /** After the command path: `[OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  readonly usage: string;
  readonly description: string;
  /** Other spellings shown under "Aliases:", e.g. `container run`. */
  readonly aliases?: readonly string[];
  readonly flags: readonly FlagSpec[];
  /** false for commands that pass the rest of the line on (run, create, exec). */
  readonly interspersed?: boolean;
  readonly args?: { readonly min?: number; readonly max?: number };
  /** run/create report every failure as `berth: …` with exit 125, like docker. */
  readonly errorStyle?: 'run';
  run(ctx: CommandContext, cmd: ParsedCommand): Promise<number | void>;
}

/** Raised by commands for docker's "requires at least N arguments" class of errors. */
export class UsageError extends Error {}

/** An error whose exit code is decided by the command (e.g. 126/127 of run). */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
