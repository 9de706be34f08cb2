import { it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCacheKeep } from '../../../src/build/build-cache-filters.js';
import type { CacheEntry } from '../../../src/build/build-cache.js';
import { FilterArgs } from '../../../src/filters/mod.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const NOW = 10_000_000;
const entry = (key: string, lastUsedAgoMs: number, description = 'RUN x'): CacheEntry =>
  ({ key: `sha256:${key}`, result: {} as CacheEntry['result'], description, created: 0, lastUsed: NOW - lastUsedAgoMs, usageCount: 1 });

it('keeps entries used within `until`, and those other filters leave out', () => {
  const keep = buildCacheKeep(FilterArgs.of({ until: ['1h'] }), NOW);
  assert.equal(keep(entry('aa', 60_000)), true);
  assert.equal(keep(entry('bb', 2 * 3600_000)), false);
  assert.equal(buildCacheKeep(FilterArgs.of({ 'unused-for': ['1h'] }), NOW)(entry('aa', 60_000)), true);
  assert.equal(buildCacheKeep(FilterArgs.of({ id: ['bb'] }), NOW)(entry('aabb', 0)), false);
  assert.equal(buildCacheKeep(FilterArgs.of({ id: ['cc'] }), NOW)(entry('aabb', 0)), true);
  assert.equal(buildCacheKeep(FilterArgs.empty(), NOW)(entry('aa', 0)), false);
});

it('refuses what docker refuses', () => {
  assert.throws(() => buildCacheKeep(FilterArgs.of({ until: ['24'] })), InvalidArgumentError);
  assert.throws(() => buildCacheKeep(FilterArgs.of({ until: ['1h'], 'unused-for': ['1h'] })), /conflicting filters/);
  assert.throws(() => buildCacheKeep(FilterArgs.of({ until: ['1h', '2h'] })), /only one value/);
});
