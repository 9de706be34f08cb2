// FROM: a stage's starting state — another stage's result, scratch, or an image of the wanted
// platform (there is no emulation) with docker's default PATH where the image sets none — and the
// ONBUILD triggers of a base image, which run right after FROM and are not inherited further.
import { InvalidArgumentError } from '../errors.js';
import type { ImageRecord } from '../image/image-store.js';
import type { ImageConfig, Platform } from '../oci/image-spec.js';
import { type BuildPlan, type Instruction, type PlannedStage, type SourceLocation, StageScope, parseDockerfile } from './dockerfile/mod.js';
import type { StageState } from './step-context.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The config of an empty image of platform `p`. */
export function scratchConfig(p: Platform): ImageConfig {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config: { Env: [DEFAULT_PATH] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** A base image's config as a stage starts from it; docker's message when its platform is not `want`. */
export function baseImageConfig(ref: string, img: ImageRecord, want: Platform): ImageConfig {
  if (img.config.os !== want.os || img.config.architecture !== want.architecture) {
    throw new InvalidArgumentError(
      `image with reference ${ref} was found but does not match the specified platform: wanted ${want.os}/${want.architecture}, actual: ${img.config.os}/${img.config.architecture}`,
    );
  }
  const config: ImageConfig = structuredClone(img.config);
  config.config ??= {};
  if (!(config.config.Env ?? []).some((e) => e.startsWith('PATH='))) config.config.Env = [DEFAULT_PATH, ...(config.config.Env ?? [])];
  return config;
}

/** Where a stage's FROM leads: the stages it may wait for, and base images by reference. */
export interface StageBases {
  stage(index: number): Promise<StageState>;
  image(ref: string): Promise<ImageRecord>;
}

/** The state a planned stage starts in, after its FROM. */
export async function stageStart(plan: BuildPlan, ps: PlannedStage, bases: StageBases): Promise<StageState> {
  if (ps.base.kind === 'stage') {
    const parent = await bases.stage(ps.base.index);
    return { ...parent, scope: new StageScope(plan, ps.index, { parent: parent.scope }), parentKey: parent.id ?? scratchKey(parent.config) };
  }
  if (ps.base.kind === 'scratch') {
    const config = scratchConfig(ps.platform ?? plan.targetPlatform);
    return { config, layers: [], scope: new StageScope(plan, ps.index, { imageEnv: config.config?.Env ?? [] }), parentKey: scratchKey(config) };
  }
  const img = await bases.image(ps.base.ref);
  const config = baseImageConfig(ps.base.ref, img, ps.platform ?? plan.targetPlatform);
  return { config, layers: img.layers, id: img.id, baseImage: img.id, scope: new StageScope(plan, ps.index, { imageEnv: config.config?.Env ?? [] }), parentKey: img.id };
}

/** The first key's parent on an empty base. */
function scratchKey(config: ImageConfig): string {
  return `scratch:${config.os}/${config.architecture}`;
}

/** The ONBUILD triggers of an image stage's base, cleared from `state`'s config so that they are not inherited further. */
export function takeOnbuildTriggers(ps: PlannedStage, state: StageState): string[] {
  const triggers = ps.base.kind === 'image' ? (state.config.config?.OnBuild ?? []) : [];
  if (triggers.length > 0) state.config.config!.OnBuild = null;
  return triggers;
}

/** A trigger's instructions, shown at the FROM line. */
export function triggerInstructions(trigger: string, location: SourceLocation): Instruction[] {
  return parseDockerfile(`FROM scratch\n${trigger}\n`, { file: 'ONBUILD' }).stages[0]!.instructions.map((instr) => ({ ...instr, location }));
}
