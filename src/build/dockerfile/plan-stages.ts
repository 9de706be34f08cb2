// Which stages a build needs and in what order: each FROM resolved with the global ARGs (another
// stage, scratch, or an image), the dependencies between stages (FROM <stage>, COPY --from,
// RUN --mount=from=…), the target, and the stages reachable from it (the rest are skipped).
import type { Platform } from '../../oci/image-spec.js';
import { hostPlatform, parsePlatform } from '../../oci/platform.js';
import { type BuildArgs, PROXY_ARGS, platformArgs, resolveMetaArgs, toBuildArgs } from './build-args.js';
import { DockerfileError, DockerfileParseError } from './errors.js';
import type { Dockerfile, Instruction, SourceLocation, Stage } from './instructions.js';
import { ShellLex } from './shell-lexer.js';
import { suggest } from './suggest.js';

export type StageBase =
  | { kind: 'scratch' }
  | { kind: 'stage'; index: number }
  | { kind: 'image'; ref: string };

/** A dependency of a stage on another stage or an outside image. */
export interface StageDependency {
  /** Index of the stage depended on, or undefined for an image. */
  stage?: number;
  image?: string;
  /** Why: `from` (FROM), `copy` (COPY --from), `mount` (RUN --mount from=). */
  via: 'from' | 'copy' | 'mount';
  location: SourceLocation;
}

export interface PlannedStage {
  stage: Stage;
  index: number;
  /** The `AS` name, or `stage-N` as BuildKit calls unnamed stages. */
  displayName: string;
  /** FROM's argument after expansion with the global ARGs. */
  baseName: string;
  base: StageBase;
  /** `--platform` after expansion, parsed. */
  platform?: Platform;
  dependencies: StageDependency[];
}

export interface BuildPlan {
  dockerfile: Dockerfile;
  stages: PlannedStage[];
  /** Index of the stage the build produces. */
  target: number;
  /** Stages the target needs, dependencies first, the target last. */
  order: number[];
  /** Global scope: platform ARGs and the ARGs before the first FROM. */
  globalArgs: Map<string, string>;
  buildArgs: Map<string, string>;
  targetPlatform: Platform;
  buildPlatform: Platform;
}

export interface PlanOptions {
  buildArgs?: ReadonlyMap<string, string> | Record<string, string>;
  /** `--target`: a stage name. Default: the last stage. */
  target?: string;
  /** `--platform`; default the build platform. */
  targetPlatform?: Platform;
  /** Where the build runs; default this host. */
  buildPlatform?: Platform;
}

function stageError(df: Dockerfile, loc: SourceLocation, msg: string): DockerfileParseError {
  return new DockerfileParseError(msg, df.file, loc.startLine, loc.endLine);
}

/** Resolves stages and their dependency graph for a build. */
export function planBuild(df: Dockerfile, opts: PlanOptions = {}): BuildPlan {
  if (df.stages.length === 0) throw new DockerfileError('dockerfile contains no stages to build');
  const buildArgs = toBuildArgs(opts.buildArgs);
  const buildPlatform = opts.buildPlatform ?? hostPlatform();
  const targetPlatform = opts.targetPlatform ?? buildPlatform;

  let targetIndex = df.stages.length - 1;
  if (opts.target) {
    const found = df.stages.findIndex((s) => s.name !== undefined && s.name === opts.target!.toLowerCase());
    if (found === -1) {
      const names = df.stages.flatMap((s) => (s.name ? [s.name] : []));
      throw new DockerfileError(suggest(`target stage ${JSON.stringify(opts.target)} could not be found`, opts.target, names, true));
    }
    targetIndex = found;
  }
  const targetName = df.stages[targetIndex]!.name ?? '';
  const globalArgs = resolveMetaArgs(df, platformArgs(buildPlatform, targetPlatform, targetName, buildArgs), buildArgs);
  const lex = new ShellLex(df.escapeToken);

  // FROM lines see only the global scope, and only stages defined above them.
  const byName = new Map<string, number>();
  const stages: PlannedStage[] = df.stages.map((stage, i) => {
    let baseName: string;
    try {
      baseName = lex.processWord(stage.baseName, globalArgs);
    } catch (err) {
      throw stageError(df, stage.location, err instanceof Error ? err.message : String(err));
    }
    if (baseName === '') throw stageError(df, stage.location, `base name (${stage.baseName}) should not be blank`);
    let platform: Platform | undefined;
    if (stage.platform !== undefined) {
      let p: string;
      try {
        p = lex.processWord(stage.platform, globalArgs);
      } catch (err) {
        throw stageError(df, stage.location, `failed to process arguments for platform ${stage.platform}: ${err instanceof Error ? err.message : err}`);
      }
      if (p === '') throw stageError(df, stage.location, `empty platform value from expression ${stage.platform}`);
      platform = parsePlatform(p);
    }
    const parent = byName.get(baseName);
    const base: StageBase =
      parent !== undefined ? { kind: 'stage', index: parent } : baseName === 'scratch' ? { kind: 'scratch' } : { kind: 'image', ref: baseName };
    if (stage.name) byName.set(stage.name, i);
    const dependencies: StageDependency[] = [];
    if (parent !== undefined) dependencies.push({ stage: parent, via: 'from', location: stage.location });
    return { stage, index: i, displayName: stage.name ?? `stage-${i}`, baseName, base, platform, dependencies };
  });

  // COPY --from and mounts may name any stage of the file, before or after.
  const allNames = new Map(df.stages.flatMap((s, i) => (s.name ? [[s.name, i] as const] : [])));
  for (const planned of stages) {
    for (const instr of planned.stage.instructions) {
      for (const dep of instructionDependencies(instr, df, allNames)) planned.dependencies.push(dep);
    }
  }
  checkCycles(df, stages);

  return {
    dockerfile: df,
    stages,
    target: targetIndex,
    order: orderFor(stages, targetIndex),
    globalArgs,
    buildArgs,
    targetPlatform,
    buildPlatform,
  };
}

function instructionDependencies(instr: Instruction, df: Dockerfile, names: Map<string, number>): StageDependency[] {
  const out: StageDependency[] = [];
  const loc = instr.location;
  if (instr.kind === 'COPY' && instr.from !== undefined) {
    const from = instr.from;
    if (new ShellLex(df.escapeToken).processWord(from, new Map()) !== from) {
      throw stageError(df, loc, 'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround');
    }
    if (/^[+-]?[0-9]+$/.test(from)) {
      const index = Number(from);
      if (index < 0 || index >= df.stages.length) throw stageError(df, loc, `invalid stage index ${index}`);
      out.push({ stage: index, via: 'copy', location: loc });
    } else {
      const index = names.get(from.toLowerCase());
      out.push(index !== undefined ? { stage: index, via: 'copy', location: loc } : { image: from, via: 'copy', location: loc });
    }
  }
  if (instr.kind === 'RUN') {
    for (const m of instr.mounts) {
      if (!m.from) continue;
      const index = names.get(m.from.toLowerCase());
      out.push(index !== undefined ? { stage: index, via: 'mount', location: loc } : { image: m.from, via: 'mount', location: loc });
    }
  }
  return out;
}

function checkCycles(df: Dockerfile, stages: PlannedStage[]): void {
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number): void => {
    const s = state.get(i);
    if (s === 'done') return;
    const stage = stages[i]!;
    if (s === 'visiting') {
      throw stageError(df, stage.stage.location, `circular dependency detected on stage: ${stage.displayName}`);
    }
    state.set(i, 'visiting');
    for (const d of stage.dependencies) if (d.stage !== undefined) visit(d.stage);
    state.set(i, 'done');
  };
  for (let i = 0; i < stages.length; i++) visit(i);
}

/** Stages reachable from the target, each after everything it depends on (ties by position). */
function orderFor(stages: PlannedStage[], target: number): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (i: number): void => {
    if (seen.has(i)) return;
    seen.add(i);
    const deps = [...new Set(stages[i]!.dependencies.flatMap((d) => (d.stage !== undefined ? [d.stage] : [])))].sort((a, b) => a - b);
    for (const d of deps) visit(d);
    order.push(i);
  };
  visit(target);
  return order;
}

/** Build args given but used nowhere the build reaches (docker's "were not consumed" warning). */
export function unusedBuildArgs(plan: BuildPlan): string[] {
  const declared = new Set<string>(PROXY_ARGS);
  for (const a of plan.dockerfile.metaArgs) for (const d of a.args) declared.add(d.key);
  for (const i of plan.order) {
    for (const instr of plan.stages[i]!.stage.instructions) {
      if (instr.kind === 'ARG') for (const d of instr.args) declared.add(d.key);
    }
  }
  return [...plan.buildArgs.keys()].filter((k) => !declared.has(k) && !k.startsWith('BUILDKIT_')).sort();
}

export type { BuildArgs };
