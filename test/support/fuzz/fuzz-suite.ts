// The suite's side of fuzzing: for each target, a short run with a fixed seed, then a replay of
// every input the corpus holds for it (inputs that failed once must keep passing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCorpus } from './corpus.js';
import { type FuzzTarget, judge } from './fuzz-target.js';
import { runFuzz } from './run-fuzz.js';

/** The seed of the suite's runs (the issue number); a long run picks its own. */
export const SUITE_SEED = 18;

export function fuzzSuite(target: FuzzTarget, numRuns: number, hooks: { before?(): Promise<void>; after?(): Promise<void> } = {}): void {
  test(`fuzz ${target.name}: ${numRuns} inputs, seed ${SUITE_SEED}`, async () => {
    await hooks.before?.();
    try {
      const res = await runFuzz(target, { seed: SUITE_SEED, numRuns });
      if (res.failure) assert.fail(`${res.failure.why}\ninput: ${JSON.stringify(typeof res.failure.input === 'string' ? res.failure.input : Buffer.from(res.failure.input).toString('base64'))}`);
      for (const entry of readCorpus(target.name)) {
        const why = await judge(target, entry.input);
        assert.equal(why, undefined, `corpus ${entry.file} (found failing with: ${entry.failure})`);
      }
    } finally {
      await hooks.after?.();
    }
  });
}
