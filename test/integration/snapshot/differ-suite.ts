// The conformance suite every Differ runs with its snapshotter: layers applied onto active
// snapshots (diffID computed in the pass), changes made through a mount diffed back out as a
// layer tar that rebuilds the same tree elsewhere, and the same changes as docker diff's paths.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { InvalidArgumentError, NotFoundError } from '../../../src/errors.js';
import { describeTree, sha256, tarBytes, tarStream, type Entry } from '../../support/layer-fixtures.js';
import { type SnapshotterFixture, withMounted } from '../../support/snapshotter-suite.js';

const BASE: Entry[] = [
  { name: 'etc/hostname', type: 'file', mode: 0o644, data: 'base' },
  { name: 'etc/motd', type: 'file', mode: 0o644, data: 'hello' },
  { name: 'bin/tool', type: 'file', mode: 0o755, data: 'tool' },
  { name: 'data/a', type: 'file', mode: 0o644, data: 'a' },
  { name: 'data/sub/b', type: 'file', mode: 0o644, data: 'b' },
];

/** Runs the suite; `make` builds a fresh, empty snapshotter and its Differ for each test. */
export function differSuite(name: string, make: (t: TestContext) => Promise<SnapshotterFixture>): void {
  let n = 0;

  /** The committed snapshot `base` made from BASE. */
  async function withBase(t: TestContext): Promise<SnapshotterFixture> {
    const f = await make(t);
    await f.snapshotter.prepare('base-x');
    await f.differ.apply('base-x', tarStream(BASE));
    await f.snapshotter.commit('base', 'base-x');
    return f;
  }

  /** The tree a committed snapshot shows through a view. */
  async function treeOf(f: SnapshotterFixture, name: string): Promise<ReturnType<typeof describeTree>> {
    const view = `look-${n++}`;
    await f.snapshotter.view(view, name);
    try {
      return await withMounted(f, view, (root) => describeTree(root, { mtimes: true }));
    } finally {
      await f.snapshotter.remove(view);
    }
  }

  test(`${name}: apply writes a layer onto an active snapshot and returns its diffID and size`, async (t) => {
    const f = await make(t);
    const bytes = tarBytes(BASE);
    await f.snapshotter.prepare('x');
    assert.deepEqual(await f.differ.apply('x', tarStream(bytes)), { diffId: sha256(bytes), size: bytes.length });
    await withMounted(f, 'x', (root) => {
      assert.equal(readFileSync(join(root, 'data/sub/b'), 'utf8'), 'b');
      assert.equal(readFileSync(join(root, 'etc/motd'), 'utf8'), 'hello');
    });
    // A second layer applied over a parent: its whiteout hides the parent's file.
    await f.snapshotter.commit('one', 'x');
    await f.snapshotter.prepare('y', 'one');
    await f.differ.apply('y', tarStream([{ name: 'etc/.wh.motd', type: 'file', mode: 0o600 }]));
    await withMounted(f, 'y', (root) => assert.throws(() => readFileSync(join(root, 'etc/motd')), /ENOENT/));
  });

  test(`${name}: apply, diff and changes refuse snapshots that are not active`, async (t) => {
    const f = await withBase(t);
    await assert.rejects(f.differ.apply('base', tarStream([])), InvalidArgumentError, 'committed');
    await assert.rejects(f.differ.diff('base'), InvalidArgumentError);
    await assert.rejects(f.differ.changes('base'), InvalidArgumentError);
    await f.snapshotter.view('v', 'base');
    await assert.rejects(f.differ.diff('v'), InvalidArgumentError, 'a view');
    await assert.rejects(f.differ.changes('missing'), NotFoundError);
  });

  test(`${name}: an unchanged snapshot diffs to an empty layer and no changes`, async (t) => {
    const f = await withBase(t);
    await f.snapshotter.prepare('ctr', 'base');
    const tar = await buffer(await f.differ.diff('ctr'));
    assert.equal(execFileSync('tar', ['-tf', '-'], { input: tar }).toString(), '');
    assert.deepEqual(await f.differ.changes('ctr'), []);
  });

  test(`${name}: changes made through a mount diff into a layer that rebuilds the same tree`, async (t) => {
    const f = await withBase(t);
    await f.snapshotter.prepare('ctr', 'base');
    await withMounted(f, 'ctr', (root) => {
      writeFileSync(join(root, 'etc/hostname'), 'changed'); // modified
      rmSync(join(root, 'etc/motd')); // deleted
      rmSync(join(root, 'data'), { recursive: true }); // replaced directory
      mkdirSync(join(root, 'data'));
      writeFileSync(join(root, 'data/new'), 'new');
      chmodSync(join(root, 'bin/tool'), 0o700); // metadata only
      mkdirSync(join(root, 'srv/www'), { recursive: true }); // added, with a parent
      writeFileSync(join(root, 'srv/www/index'), 'hi');
    });
    const tar = await buffer(await f.differ.diff('ctr'));
    assert.deepEqual(await buffer(await f.differ.diff('ctr')), tar, 'the same tree diffs to the same bytes');
    const names = execFileSync('tar', ['-tf', '-'], { input: tar }).toString().trim().split('\n');
    assert.ok(names.includes('etc/.wh.motd'), 'a deletion is a .wh. entry');
    assert.ok(names.includes('data/.wh..wh..opq'), 'a replaced directory is opaque');
    assert.ok(!names.includes('data/a') && !names.includes('etc/motd'), 'what did not change is not in the layer');

    await f.snapshotter.prepare('replay', 'base');
    assert.equal((await f.differ.apply('replay', tarStream(tar))).diffId, sha256(tar));
    await f.snapshotter.commit('replayed', 'replay');
    await f.snapshotter.commit('ctr-done', 'ctr');
    assert.deepEqual(await treeOf(f, 'replayed'), await treeOf(f, 'ctr-done'));
  });

  test(`${name}: changes lists what changed over the parent chain, sorted, directories first`, async (t) => {
    const f = await withBase(t);
    await f.snapshotter.prepare('mid-x', 'base');
    await f.differ.apply('mid-x', tarStream([{ name: 'opt/from-mid', type: 'file', mode: 0o644, data: 'm' }]));
    await f.snapshotter.commit('mid', 'mid-x');
    await f.snapshotter.prepare('ctr', 'mid');
    await withMounted(f, 'ctr', (root) => {
      writeFileSync(join(root, 'etc/hostname'), 'changed'); // a file two layers down
      rmSync(join(root, 'opt/from-mid')); // a file of the parent
      writeFileSync(join(root, 'added'), 'x');
      mkdirSync(join(root, 'new-dir'));
      writeFileSync(join(root, 'new-dir/f'), 'y');
    });
    assert.deepEqual(await f.differ.changes('ctr'), [
      { path: '/added', kind: 'add' },
      { path: '/etc', kind: 'modify' },
      { path: '/etc/hostname', kind: 'modify' },
      { path: '/new-dir', kind: 'add' },
      { path: '/new-dir/f', kind: 'add' },
      { path: '/opt', kind: 'modify' },
      { path: '/opt/from-mid', kind: 'delete' },
    ]);
  });
}
