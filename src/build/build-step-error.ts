// A build that failed at a step: docker's message, the step, and what the step printed last.
import { BerthError } from '../errors.js';
import type { StepRef } from './build-progress.js';

export class BuildStepError extends BerthError {
  constructor(
    message: string,
    readonly step: StepRef,
    readonly exitCode: number | undefined,
    readonly lastOutput: string[],
  ) {
    super(message);
  }
}
