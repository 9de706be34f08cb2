// Build arguments in global scope: the automatic platform ARGs, the ARGs declared before the
// first FROM, and the caller's --build-arg values.
import type { Platform } from '../../oci/image-spec.js';
import { formatPlatform } from '../../oci/platform.js';
import { DockerfileParseError } from './errors.js';
import type { ArgInstruction, Dockerfile } from './instructions.js';
import { type Env, ShellLex } from './shell-lexer.js';

/** Usable with --build-arg without an ARG; passed to RUN but kept out of history and cache keys. */
export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

/** Defined in global scope on every build (inside a stage only after `ARG NAME`). */
export const PLATFORM_ARGS: readonly string[] = [
  'BUILDPLATFORM', 'BUILDOS', 'BUILDOSVERSION', 'BUILDARCH', 'BUILDVARIANT',
  'TARGETPLATFORM', 'TARGETOS', 'TARGETOSVERSION', 'TARGETARCH', 'TARGETVARIANT', 'TARGETSTAGE',
];

export type BuildArgs = ReadonlyMap<string, string>;

/** The automatic ARGs; a --build-arg of the same name overrides each. */
export function platformArgs(build: Platform, target: Platform, targetStage: string, buildArgs: BuildArgs): Map<string, string> {
  const values: [string, string][] = [
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDOSVERSION', build['os.version'] ?? ''],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETOSVERSION', target['os.version'] ?? ''],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['TARGETSTAGE', targetStage || 'default'],
  ];
  return new Map(values.map(([k, v]) => [k, buildArgs.get(k) ?? v]));
}

/**
 * Global scope after the meta ARGs: a --build-arg wins, else the default expanded with what is
 * defined so far; `ARG NAME` with neither leaves NAME unset.
 */
export function resolveMetaArgs(df: Dockerfile, defaults: Map<string, string>, buildArgs: BuildArgs): Map<string, string> {
  const env = new Map(defaults);
  const lex = new ShellLex(df.escapeToken);
  for (const cmd of df.metaArgs) {
    for (const arg of cmd.args) {
      const given = buildArgs.get(arg.key);
      if (given !== undefined) env.set(arg.key, given);
      else if (arg.value !== undefined) env.set(arg.key, expandAt(lex, arg.value, env, df, cmd));
    }
  }
  return env;
}

function expandAt(lex: ShellLex, word: string, env: Env, df: Dockerfile, cmd: ArgInstruction): string {
  try {
    return lex.processWord(word, env);
  } catch (err) {
    if (err instanceof Error) throw new DockerfileParseError(err.message, df.file, cmd.location.startLine, cmd.location.endLine);
    throw err;
  }
}

export function toBuildArgs(args: ReadonlyMap<string, string> | Record<string, string> | undefined): Map<string, string> {
  if (!args) return new Map();
  return args instanceof Map ? new Map(args) : new Map(Object.entries(args));
}
