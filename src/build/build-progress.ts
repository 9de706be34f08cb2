// What a build tells its watcher, step by step: the API turns these into docker's classic JSON
// messages, tests and benchmarks read them directly.
import type { Digest } from '../oci/digest.js';

export interface StepRef {
  /** Numbered in the order steps start, from 1 (BuildKit's `#N`). */
  vertex: number;
  /** Stage display name (`builder`, `stage-0`). */
  stage: string;
  /** 1-based position in the stage (FROM is 1) and the stage's step count. */
  index: number;
  count: number;
  /** Position among all steps of the stages built (classic builder's `Step N/M`). */
  globalIndex: number;
  globalTotal: number;
  /** The instruction as written. */
  text: string;
  /** Dockerfile line. */
  line: number;
  /** An ONBUILD trigger of the base image (counted with the FROM step). */
  trigger?: boolean;
}

export type BuildEvent =
  | { type: 'start'; step: StepRef; time: number }
  | { type: 'cached'; step: StepRef; imageId: Digest }
  | { type: 'output'; step: StepRef; stream: 'stdout' | 'stderr'; data: Buffer }
  | { type: 'done'; step: StepRef; imageId?: Digest; ms: number; cached: boolean }
  | { type: 'error'; step: StepRef; message: string; lastOutput: string[] }
  | { type: 'message'; text: string };

export type BuildReporter = (ev: BuildEvent) => void;
