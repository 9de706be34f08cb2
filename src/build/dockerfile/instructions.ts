// The typed Dockerfile: stages and a discriminated union of instructions, flags parsed and
// validated, variables NOT yet expanded (see expand.ts), each with its source location and text.
import type { Heredoc } from './heredoc.js';
import type { ParserDirective } from './line-parser.js';
import type { RunMount } from './run-mount.js';

export interface SourceLocation {
  /** 1-based, inclusive; a heredoc body counts as part of its instruction. */
  startLine: number;
  endLine: number;
}

interface InstructionBase {
  /** The instruction word as written (`run`, `Copy`…). */
  keyword: string;
  /** The instruction's text, continuations joined, trimmed (history's `created_by` source). */
  original: string;
  location: SourceLocation;
  /** `# ...` comment lines directly above. */
  comments: string[];
}

/** A `<<EOF` body given as a COPY/ADD source. */
export interface InlineSource {
  /** The heredoc delimiter, used as the file name. */
  path: string;
  data: string;
  /** Whether `$VAR` in the body is expanded (delimiter unquoted). */
  expand: boolean;
}

export interface KeyValue {
  key: string;
  value: string;
  /** Old `ENV key value` form (no `=`). */
  noDelim: boolean;
}

export interface FromInstruction extends InstructionBase {
  kind: 'FROM';
  baseName: string;
  /** Lower-cased `AS name`. */
  stageName?: string;
  platform?: string;
}

export interface RunInstruction extends InstructionBase {
  kind: 'RUN';
  /** Shell form: one string for the shell; exec form: the argv. */
  command: string[];
  /** True for shell form (`RUN echo hi`), false for exec form (`RUN ["echo","hi"]`). */
  prependShell: boolean;
  heredocs: Heredoc[];
  /** `--mount` values as written (expanded per step, then parsed again). */
  mountSpecs: string[];
  /** The mounts as far as they can be read before expansion. */
  mounts: RunMount[];
  network: 'default' | 'none' | 'host';
  security: 'sandbox' | 'insecure';
  devices: string[];
}

interface CopyLike extends InstructionBase {
  sources: string[];
  inlineSources: InlineSource[];
  dest: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  excludes: string[];
  /** Arguments were given as a JSON array. */
  json: boolean;
}

export interface CopyInstruction extends CopyLike {
  kind: 'COPY';
  from?: string;
  parents: boolean;
}

export interface AddInstruction extends CopyLike {
  kind: 'ADD';
  keepGitDir?: boolean;
  checksum?: string;
  unpack?: boolean;
}

export interface EnvInstruction extends InstructionBase {
  kind: 'ENV';
  pairs: KeyValue[];
}

export interface LabelInstruction extends InstructionBase {
  kind: 'LABEL';
  pairs: KeyValue[];
}

export interface ArgDefinition {
  key: string;
  /** Undefined for `ARG NAME` without a default. */
  value?: string;
}

export interface ArgInstruction extends InstructionBase {
  kind: 'ARG';
  args: ArgDefinition[];
}

export interface WorkdirInstruction extends InstructionBase {
  kind: 'WORKDIR';
  path: string;
}

export interface UserInstruction extends InstructionBase {
  kind: 'USER';
  user: string;
}

export interface CmdInstruction extends InstructionBase {
  kind: 'CMD';
  command: string[];
  prependShell: boolean;
}

export interface EntrypointInstruction extends InstructionBase {
  kind: 'ENTRYPOINT';
  /** Empty for `ENTRYPOINT []`. */
  command: string[];
  prependShell: boolean;
}

export interface ExposeInstruction extends InstructionBase {
  kind: 'EXPOSE';
  /** As written (sorted, as BuildKit does); each may expand to several ports. */
  ports: string[];
}

export interface VolumeInstruction extends InstructionBase {
  kind: 'VOLUME';
  volumes: string[];
}

/** Durations in nanoseconds, like the Engine API's HealthConfig; 0 = inherit/default. */
export interface HealthConfig {
  /** `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", cmd]`. */
  test: string[];
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

export interface HealthcheckInstruction extends InstructionBase {
  kind: 'HEALTHCHECK';
  health: HealthConfig;
}

export interface ShellInstruction extends InstructionBase {
  kind: 'SHELL';
  shell: string[];
}

export interface StopsignalInstruction extends InstructionBase {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface MaintainerInstruction extends InstructionBase {
  kind: 'MAINTAINER';
  maintainer: string;
}

export interface OnbuildInstruction extends InstructionBase {
  kind: 'ONBUILD';
  /** The trigger text stored in the image config (`RUN make`), heredoc bodies appended. */
  expression: string;
  /** The trigger parsed, for validation and for builds that inherit it. */
  trigger: Instruction;
}

/** Every instruction that can appear inside a stage. */
export type Instruction =
  | RunInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | LabelInstruction
  | ArgInstruction
  | WorkdirInstruction
  | UserInstruction
  | CmdInstruction
  | EntrypointInstruction
  | ExposeInstruction
  | VolumeInstruction
  | HealthcheckInstruction
  | ShellInstruction
  | StopsignalInstruction
  | MaintainerInstruction
  | OnbuildInstruction;

export type InstructionKind = Instruction['kind'] | 'FROM';

export interface Stage {
  /** Position in the file, 0-based; `COPY --from=0` refers to it. */
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
  /** The FROM argument as written (may contain `$VARS`). */
  baseName: string;
  /** `--platform` as written. */
  platform?: string;
  from: FromInstruction;
  instructions: Instruction[];
  location: SourceLocation;
}

export interface Dockerfile {
  /** The name used in messages (`Dockerfile`, `build/app.Dockerfile`). */
  file: string;
  directives: ParserDirective[];
  escapeToken: string;
  /** ARG instructions before the first FROM. */
  metaArgs: ArgInstruction[];
  stages: Stage[];
  /** Non-fatal findings (empty continuation lines…). */
  warnings: string[];
}
