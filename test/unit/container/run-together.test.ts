// runTogether: steps side by side; a failure is thrown only once every step has settled.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runTogether } from '../../../src/container/run-together.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('runs the steps at once and throws the first failure after all have settled', async () => {
  const log: string[] = [];
  const err = await runTogether([
    async () => {
      log.push('a start');
      await tick(20);
      log.push('a end');
    },
    async () => {
      log.push('b start');
      throw new Error('b failed');
    },
    () => {
      log.push('c sync');
      throw new Error('c failed');
    },
  ]).catch((e: unknown) => e);
  assert.equal((err as Error).message, 'b failed');
  assert.deepEqual(log, ['a start', 'b start', 'c sync', 'a end']);
  await runTogether([async () => undefined, () => 1]);
});
