// The final image's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import { planBuild } from '../../../src/build/dockerfile/plan-stages.js';
import { StageScope } from '../../../src/build/dockerfile/stage-scope.js';
import { finalConfig } from '../../../src/build/final-image.js';
import { scratchConfig } from '../../../src/build/plan-from.js';
import type { StageState } from '../../../src/build/step-context.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };

function scratchState(): StageState {
  const plan = planBuild(parseDockerfile('FROM scratch\n'), { buildPlatform: AMD64 });
  return { config: scratchConfig(AMD64), layers: [], scope: new StageScope(plan, 0, {}), parentKey: 'scratch:linux/amd64' };
}

test('the final config gets the build labels, and a created time even on bare scratch', () => {
  const state = scratchState();
  const c = finalConfig(state, { a: 'b' });
  assert.deepEqual(c.config?.Labels, { a: 'b' });
  assert.equal(c.created, new Date(0).toISOString());
  assert.equal(state.config.config?.Labels, undefined);
  assert.equal(finalConfig(state, {}).config?.Labels, undefined);
});
