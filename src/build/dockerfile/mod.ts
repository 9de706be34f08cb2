// The Dockerfile front end: parse → plan stages → expand each step as the build walks it.
export { parseDockerfile, type ParseOptions } from './parse-dockerfile.js';
export * from './instructions.js';
export type { Heredoc } from './heredoc.js';
export { chompHeredocContent } from './heredoc.js';
export type { ParserDirective } from './line-parser.js';
export type { RunMount, MountType, CacheSharing } from './run-mount.js';
export { DockerfileError, DockerfileParseError, ExpansionError, formatErrorExcerpt } from './errors.js';
export { ShellLex, type Env, type LexOptions, type LexResult } from './shell-lexer.js';
export { PLATFORM_ARGS, PROXY_ARGS } from './build-args.js';
export {
  planBuild,
  unusedBuildArgs,
  type BuildPlan,
  type PlanOptions,
  type PlannedStage,
  type StageBase,
  type StageDependency,
} from './plan-stages.js';
export { StageScope, envListToMap, type ScopeStart } from './stage-scope.js';
