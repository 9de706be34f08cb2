// The hostile corpus through `docker import` (POST /images/create?fromSrc=-), streamed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOSTILE_CASES, MANY_ENTRIES, gzipBomb, manyEntries } from '../../support/hostile-archives.js';
import { api, brief, assertClearError, checkAfter, diskUse, errorOf, startHostileEnv } from './harness.js';

const root = process.getuid?.() === 0;

test('hostile archives through docker import', { skip: !root && 'needs root', timeout: 120_000 }, async (t) => {
  const env = await startHostileEnv(t);
  for (const c of HOSTILE_CASES) {
    const before = diskUse(env.daemon);
    const r = await api(env.daemon, 'POST', `/v1.47/images/create?fromSrc=-&repo=hostile&tag=${c.name}`, c.stream(env.canary));
    const err = errorOf(r);
    if (c.layer === 'refused') assertClearError(`import ${c.name}`, err);
    else assert.equal(err, undefined, `import ${c.name}: ${err}`);
    await checkAfter(env, `import ${c.name}`, { duBefore: before, run: false });
    t.diagnostic(`${c.name}: ${brief(err)}`);
  }
  await checkAfter(env, 'import corpus');

  let before = diskUse(env.daemon);
  const t0 = Date.now();
  const bomb = await api(env.daemon, 'POST', '/v1.47/images/create?fromSrc=-&repo=hostile&tag=bomb', gzipBomb());
  assertClearError('import bomb', errorOf(bomb));
  t.diagnostic(`bomb: ${errorOf(bomb)} after ${Date.now() - t0} ms`);
  await checkAfter(env, 'import bomb', { duBefore: before });

  before = diskUse(env.daemon);
  const t1 = Date.now();
  const many = await api(env.daemon, 'POST', '/v1.47/images/create?fromSrc=-&repo=hostile&tag=many', manyEntries(MANY_ENTRIES));
  t.diagnostic(`many: ${errorOf(many) ?? 'accepted'} after ${Date.now() - t1} ms, ${diskUse(env.daemon) - before} KiB`);
  await checkAfter(env, 'import many', {});
});
