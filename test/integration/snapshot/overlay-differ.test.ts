import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OverlayDiffer } from '../../../src/snapshot/overlay-differ.js';
import { OverlaySnapshotter } from '../../../src/snapshot/overlay-snapshotter.js';
import { tempDir } from '../../snapshot/fixtures.js';
import { differSuite } from './differ-suite.js';

differSuite('overlay', async (t) => {
  const { dir } = tempDir(t);
  const db = new Database(join(dir, 'meta.db'));
  t.after(() => db.close());
  const scratch = join(dir, 'mnt');
  mkdirSync(scratch);
  const snapshotter = new OverlaySnapshotter(db, join(dir, 'snapshots'));
  return { snapshotter, differ: new OverlayDiffer(snapshotter), scratch };
});
