// A step's result from the state before it, and the state after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StageScope } from '../../../src/build/dockerfile/stage-scope.js';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import { planBuild } from '../../../src/build/dockerfile/plan-stages.js';
import { scratchConfig } from '../../../src/build/plan-from.js';
import type { StageState } from '../../../src/build/step-context.js';
import { HISTORY_COMMENT, advance, historyNow, resultAfter, topChain } from '../../../src/build/step-result.js';
import { type Digest, digestOf } from '../../../src/oci/digest.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const layer = (c: string) => ({ diffId: `sha256:${c.repeat(64)}` as Digest, chainId: `sha256:${c.repeat(64)}` as Digest, size: 3 });

function scratchState(): StageState {
  const plan = planBuild(parseDockerfile('FROM scratch\n'), { buildPlatform: AMD64 });
  return { config: scratchConfig(AMD64), layers: [], scope: new StageScope(plan, 0, {}), parentKey: 'scratch:linux/amd64', baseImage: `sha256:${'e'.repeat(64)}` as Digest };
}

test('a layer step appends the layer, its diff ID and a history entry; the ID is the config digest', () => {
  const before = scratchState();
  const h = { created: '2024-01-01T00:00:00.000Z', created_by: 'COPY a /', comment: HISTORY_COMMENT };
  const r = resultAfter(before, h, layer('1'));
  assert.deepEqual(r.layers, [layer('1')]);
  assert.deepEqual(r.config.rootfs.diff_ids, [layer('1').diffId]);
  assert.deepEqual(r.config.history, [h]);
  assert.equal(r.config.created, h.created);
  assert.equal(r.id, digestOf(JSON.stringify(r.config)));
  assert.deepEqual(before.config.history, [], 'the state before is not changed');
  assert.equal(topChain(r.layers), layer('1').chainId);
  assert.equal(topChain([]), undefined);
});

test('a config step changes the config only, and the same step gives the same ID', () => {
  const before = scratchState();
  const h = historyNow('ENV A=1', false);
  assert.equal(h.empty_layer, true);
  assert.equal(historyNow('RUN x', true).empty_layer, undefined);
  const apply = (c: { config?: { Env?: string[] } }): void => void c.config!.Env!.push('A=1');
  const r = resultAfter(before, h, undefined, apply);
  assert.deepEqual(r.layers, []);
  assert.deepEqual(r.config.rootfs.diff_ids, []);
  assert.deepEqual(r.config.config?.Env?.slice(-1), ['A=1']);
  assert.equal(resultAfter(before, h, undefined, apply).id, r.id);
});

test('advance: the result, the same base image and scope, the next key from the result', () => {
  const before = scratchState();
  const r = resultAfter(before, historyNow('ENV A=1', false));
  const next = advance(before, { ...r, link: { layer: layer('2'), history: {} } });
  assert.equal(next.parentKey, r.id);
  assert.equal(next.id, r.id);
  assert.equal(next.baseImage, before.baseImage);
  assert.equal(next.scope, before.scope);
  assert.equal('link' in next, false);
});
