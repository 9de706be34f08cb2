// Command-line parsing with the semantics of spf13/pflag, which docker uses: `--flag=value`,
// `--flag value`, `--bool`, `--bool=false`, combined shorthands (`-it`, `-p8080:80`, `-e=K=V`),
// `--` to end flags, and optionally stopping at the first positional argument (`run IMAGE -x`
// passes `-x` to the container).
import type { FlagSpec, FlagValues } from './flag-spec.js';

/** A malformed command line (exit 125 with docker's usage hint). */
export class FlagError extends Error {}

export interface ParsedArgs {
  values: FlagValues;
  /** Names of the flags given on the command line. */
  set: Set<string>;
  args: string[];
  help: boolean;
}

export interface ParseOptions {
  /** false: flags end at the first positional argument. */
  interspersed: boolean;
}

function parseBoolValue(raw: string, flag: FlagSpec): boolean {
  const v = raw.toLowerCase();
  if (['1', 't', 'true'].includes(v)) return true;
  if (['0', 'f', 'false'].includes(v)) return false;
  throw new FlagError(`invalid argument ${JSON.stringify(raw)} for ${flagLabel(flag)} flag: strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
}

export function flagLabel(flag: FlagSpec): string {
  return flag.short ? `"-${flag.short}, --${flag.name}"` : `"--${flag.name}"`;
}

/** Parses `argv` against `flags`. `--help` (and `-h` when no flag claims it) set `help`. */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[], options: ParseOptions): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const f of flags) {
    byName.set(f.name, f);
    if (f.short) byShort.set(f.short, f);
  }
  const values: FlagValues = {};
  for (const f of flags) {
    if (f.aliasOf) continue;
    if (f.kind === 'list') values[f.name] = [];
    else if (f.default !== undefined) values[f.name] = f.default;
  }
  const set = new Set<string>();
  const args: string[] = [];
  let help = false;

  const assign = (flag: FlagSpec, raw: string | undefined): void => {
    const key = flag.aliasOf ?? flag.name;
    set.add(key);
    if (flag.kind === 'bool') {
      values[key] = raw === undefined ? true : parseBoolValue(raw, flag);
      return;
    }
    let v: unknown = raw;
    if (flag.parse) {
      try {
        v = flag.parse(raw!);
      } catch (err) {
        throw new FlagError(`invalid argument ${JSON.stringify(raw)} for ${flagLabel(flag)} flag: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (flag.kind === 'list') (values[key] as unknown[]).push(v);
    else values[key] = v;
  };

  let i = 0;
  while (i < argv.length) {
    const a = argv[i++]!;
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const flag = byName.get(name);
      if (!flag) {
        if (name === 'help') { help = true; continue; }
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq !== -1) assign(flag, a.slice(eq + 1));
      else if (flag.kind === 'bool') assign(flag, undefined);
      else if (i < argv.length) assign(flag, argv[i++]!);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length > 0) {
        const c = rest[0]!;
        const flag = byShort.get(c);
        if (!flag) {
          if (c === 'h') { help = true; rest = rest.slice(1); continue; }
          throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        rest = rest.slice(1);
        if (rest.startsWith('=')) {
          assign(flag, rest.slice(1));
          rest = '';
        } else if (flag.kind === 'bool') {
          assign(flag, undefined);
        } else if (rest.length > 0) {
          assign(flag, rest);
          rest = '';
        } else if (i < argv.length) {
          assign(flag, argv[i++]!);
        } else {
          throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        }
      }
      continue;
    }
    args.push(a);
    if (!options.interspersed) {
      args.push(...argv.slice(i));
      break;
    }
  }
  return { values, set, args, help };
}
