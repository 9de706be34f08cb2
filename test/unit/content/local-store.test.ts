import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalContentStore } from '../../../src/content/local-store.js';
import { contentStoreSuite } from './content-store-suite.js';

function tempRoot(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-content-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

contentStoreSuite('local', async (t) => {
  const root = tempRoot(t);
  return { store: await new LocalContentStore(root).init(), reopen: () => new LocalContentStore(root).init() };
});

test('local: cleanStaleIngests removes only ingests untouched for the given age', async (t) => {
  const root = tempRoot(t);
  const store = await new LocalContentStore(root).init();
  const stale = await store.writer({ ref: 'stale' });
  stale.end('old bytes');
  await new Promise((resolve) => stale.once('finish', resolve));
  const fresh = await store.writer({ ref: 'fresh' });
  fresh.end('new bytes');
  await new Promise((resolve) => fresh.once('finish', resolve));
  const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
  utimesSync(store.ingestPath('stale'), dayAgo, dayAgo);
  assert.equal(await store.cleanStaleIngests(3600 * 1000), 1);
  assert.equal(existsSync(store.ingestPath('stale')), false, 'the stale ingest is gone');
  assert.equal(existsSync(store.ingestPath('fresh')), true, 'the fresh one is kept');
  assert.equal(readdirSync(store.ingestDir).length, 1);
});
