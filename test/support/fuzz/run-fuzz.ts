// Drives a target with fast-check: a fixed seed and a run count (the suite), or a time budget
// (the long runs), shrinking each failure to a small input before it is reported.
import fc from 'fast-check';
import { type FuzzInput, type FuzzTarget, judge } from './fuzz-target.js';

export interface FuzzRunOptions {
  seed: number;
  /** Inputs to try; with timeLimitMs, the run stops at whichever comes first. */
  numRuns: number;
  timeLimitMs?: number;
  /** Called before each input (the long runs keep the input in flight for their watchdog). */
  beforeEach?(input: FuzzInput): void;
}

export interface FuzzRunResult {
  inputsTried: number;
  /** The shrunk failing input and why it failed, when one failed. */
  failure?: { input: FuzzInput; why: string };
}

class FuzzFailure extends Error {}

export async function runFuzz(target: FuzzTarget, opts: FuzzRunOptions): Promise<FuzzRunResult> {
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    opts.beforeEach?.(input);
    const why = await judge(target, input);
    if (why !== undefined) throw new FuzzFailure(why);
  });
  const details = await fc.check(property, {
    seed: opts.seed,
    numRuns: opts.numRuns,
    ...(opts.timeLimitMs !== undefined ? { interruptAfterTimeLimit: opts.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  if (!details.failed || details.counterexample === null) return { inputsTried: details.numRuns };
  const input = details.counterexample[0];
  const err = details.errorInstance;
  return { inputsTried: details.numRuns, failure: { input, why: err instanceof Error ? err.message : String(err) } };
}
