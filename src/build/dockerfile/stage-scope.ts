// The variables of one stage as the build walks through it, and the expansion of each step with
// them. Rules (BuildKit's): the stage starts with its base's environment (image config Env, or
// everything the parent stage defined); `ARG NAME[=default]` brings a variable in from that
// line on, valued by --build-arg, else the default, else (for names declared before the first
// FROM, and the platform ARGs) the global value; ENV sets a variable from its line on; a later
// definition of a name replaces an earlier one. Only ADD COPY ENV EXPOSE LABEL STOPSIGNAL USER
// VOLUME WORKDIR (and ARG defaults, RUN --mount options, heredoc bodies with unquoted
// delimiters) are expanded; RUN CMD ENTRYPOINT HEALTHCHECK SHELL text is left to the shell.
import { PROXY_ARGS } from './build-args.js';
import { ExpansionError } from './errors.js';
import type { ArgDefinition, Instruction, KeyValue, SourceLocation } from './instructions.js';
import type { BuildPlan } from './plan-stages.js';
import { parseRunMountFields, splitCSV } from './run-mount.js';
import { InstructionSyntaxError } from './argument-forms.js';
import { ShellLex } from './shell-lexer.js';

/** Splits `K=V` entries (image config Env) into a map; later entries win. */
export function envListToMap(list: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of list) {
    const eq = e.indexOf('=');
    if (eq === -1) env.set(e, '');
    else env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return env;
}

export interface ScopeStart {
  /** For a stage FROM an image: the image config's Env (`K=V`). */
  imageEnv?: readonly string[];
  /** For a stage FROM another stage: that stage's scope after its last step. */
  parent?: StageScope;
}

export class StageScope {
  /** Variables visible to expansion and to RUN (base env, ARGs, ENVs). */
  readonly env: Map<string, string>;
  /** ENV values only (plus the base image's): what goes into the image config. */
  readonly configEnv: Map<string, string>;
  /** ARGs in effect, in declaration order (for RUN's history line and cache key). */
  readonly args: ArgDefinition[];
  private readonly lex: ShellLex;
  private readonly rawLex = new ShellLex('\\', { skipProcessQuotes: true });

  constructor(
    private readonly plan: BuildPlan,
    readonly stageIndex: number,
    start: ScopeStart = {},
  ) {
    this.lex = new ShellLex(plan.dockerfile.escapeToken);
    if (start.parent) {
      this.env = new Map(start.parent.env);
      this.configEnv = new Map(start.parent.configEnv);
      this.args = start.parent.args.map((a) => ({ ...a }));
    } else {
      this.env = envListToMap(start.imageEnv ?? []);
      this.configEnv = new Map(this.env);
      this.args = [];
    }
  }

  /** Expands one word (quotes removed) with the current variables. */
  word(text: string, loc?: SourceLocation): string {
    return this.guard(loc, () => this.lex.processWord(text, this.env));
  }

  /**
   * The instruction with its variables substituted, as the build executes it; ARG and ENV
   * also take effect. Call once per step, in order.
   */
  expand<T extends Instruction>(instr: T): T {
    const loc = instr.location;
    const w = (s: string) => this.word(s, loc);
    const wOpt = (s: string | undefined) => (s === undefined ? undefined : w(s));
    switch (instr.kind) {
      case 'ENV': {
        // Every pair sees the variables from before this ENV line.
        const pairs: KeyValue[] = instr.pairs.map((p) => ({ key: w(p.key), value: w(p.value), noDelim: p.noDelim }));
        for (const p of pairs) {
          this.env.set(p.key, p.value);
          this.configEnv.set(p.key, p.value);
        }
        return { ...instr, pairs };
      }
      case 'ARG': {
        const args: ArgDefinition[] = [];
        for (const a of instr.args) {
          const given = this.plan.buildArgs.get(a.key);
          let value: string | undefined;
          if (given !== undefined) value = given;
          else if (a.value !== undefined) value = w(a.value);
          else value = this.plan.globalArgs.get(a.key);
          const def: ArgDefinition = value === undefined ? { key: a.key } : { key: a.key, value };
          if (value !== undefined) this.env.set(a.key, value);
          this.args.push(def);
          args.push(def);
        }
        return { ...instr, args };
      }
      case 'LABEL':
        return { ...instr, pairs: instr.pairs.map((p) => ({ key: w(p.key), value: w(p.value), noDelim: p.noDelim })) };
      case 'COPY':
      case 'ADD': {
        const common = {
          sources: instr.sources.map(w),
          dest: w(instr.dest),
          chown: wOpt(instr.chown),
          chmod: wOpt(instr.chmod),
          inlineSources: instr.inlineSources.map((s) =>
            s.expand ? { ...s, data: this.guard(loc, () => this.rawLex.processWord(s.data, this.env)) } : s,
          ),
        };
        if (instr.kind === 'ADD') return { ...instr, ...common, checksum: wOpt(instr.checksum) };
        return { ...instr, ...common };
      }
      case 'WORKDIR':
        return { ...instr, path: w(instr.path) };
      case 'USER':
        return { ...instr, user: w(instr.user) };
      case 'STOPSIGNAL':
        return { ...instr, signal: w(instr.signal) };
      case 'VOLUME':
        return { ...instr, volumes: instr.volumes.map(w) };
      case 'EXPOSE':
        return { ...instr, ports: instr.ports.flatMap((p) => this.guard(loc, () => this.lex.processWords(p, this.env))) };
      case 'RUN': {
        const mounts = instr.mountSpecs.map((spec) =>
          this.guard(loc, () => {
            // Each option's value is expanded on its own, then the whole mount checked strictly.
            const fields = splitCSV(spec).map((field) => {
              const eq = field.indexOf('=');
              return eq === -1 ? field : `${field.slice(0, eq + 1)}${this.lex.processWord(field.slice(eq + 1), this.env)}`;
            });
            return parseRunMountFields(fields, true);
          }),
        );
        return { ...instr, mounts };
      }
      default:
        return instr; // CMD ENTRYPOINT HEALTHCHECK SHELL MAINTAINER ONBUILD: not expanded
    }
  }

  /** The environment a RUN step gets: the variables, plus proxy build args not declared. */
  runEnvironment(): string[] {
    const out = [...this.env].map(([k, v]) => `${k}=${v}`);
    for (const k of PROXY_ARGS) {
      const v = this.plan.buildArgs.get(k);
      if (v !== undefined && !this.env.has(k)) out.push(`${k}=${v}`);
    }
    return out;
  }

  /** History's `created_by` for RUN: `|2 A=1 B=2 /bin/sh -c make` when ARGs are in effect. */
  runCommandString(argv: readonly string[]): string {
    const entries = new Map<string, string>();
    for (const a of this.args) entries.set(a.key, `${a.key}=${this.env.get(a.key) ?? a.value ?? ''}`);
    const prefix = entries.size > 0 ? [`|${entries.size}`, ...entries.values()] : [];
    return [...prefix, ...argv].join(' ');
  }

  private guard<R>(loc: SourceLocation | undefined, fn: () => R): R {
    try {
      return fn();
    } catch (err) {
      const file = this.plan.dockerfile.file;
      if (err instanceof ExpansionError) throw loc ? err.at(file, loc.startLine, loc.endLine) : err;
      if (err instanceof InstructionSyntaxError) {
        const e = new ExpansionError(err.message);
        throw loc ? e.at(file, loc.startLine, loc.endLine) : e;
      }
      throw err;
    }
  }
}
