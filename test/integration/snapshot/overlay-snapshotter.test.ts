import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../../src/errors.js';
import { OverlaySnapshotter } from '../../../src/snapshot/overlay-snapshotter.js';
import { overlayFixture } from '../../support/layer-fixtures.js';
import { snapshotterSuite, tempDir } from '../../support/snapshotter-suite.js';

snapshotterSuite('overlay', async (t) => overlayFixture(t));

test('overlay: state survives a restart, and cleanup removes what a crash left behind', async (t) => {
  const { dir } = tempDir(t);
  const root = join(dir, 'snapshots');
  let db = new Database(join(dir, 'meta.db'));
  let s = new OverlaySnapshotter(db, root);
  await s.prepare('a');
  await s.commit('c', 'a');
  await s.prepare('b', 'c');
  db.close();
  // What a crash can leave: a half-made snapshot, a half-removed one, a dir whose row never committed.
  for (const d of ['.new-abc123', '.rm-1-2-3', '999']) mkdirSync(join(root, d, 'fs'), { recursive: true });
  db = new Database(join(dir, 'meta.db'));
  t.after(() => db.close());
  s = new OverlaySnapshotter(db, root);
  await s.cleanup();
  assert.deepEqual(readdirSync(root).sort(), ['1', '2']);
  assert.equal((await s.stat('b')).parent, 'c');
  assert.ok(existsSync(await s.upperDir('b')));
  await assert.rejects(s.upperDir('c'), InvalidArgumentError, 'a committed snapshot has no writable layer');
});
