import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptParents } from '../../../../src/build/context/copy-sources.js';

test('COPY --parents: whole paths, or what follows a /./ pivot', () => {
  const kept = keptParents(['a/b/c.txt', './x/./y/*.txt', 'x/z.txt', 'top'], [['a/b/c.txt'], ['x/y/1.txt', 'x/y/2.txt'], ['x/z.txt'], ['top']]);
  // x/z.txt came from a source without a pivot: it keeps its whole path.
  assert.deepEqual(Object.fromEntries(kept), { 'a/b/c.txt': 'a/b/c.txt', 'x/y/1.txt': 'y/1.txt', 'x/y/2.txt': 'y/2.txt', 'x/z.txt': 'x/z.txt', top: 'top' });
});
