// The conformance suite every Snapshotter implementation runs (after containerd's testsuite):
// the verbs, their errors, and that the mounts they hand out really make the layered tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import { mountAll, unmount } from '../../src/snapshot/mount.js';
import type { Differ } from '../../src/snapshot/differ.js';
import type { Snapshotter } from '../../src/snapshot/snapshotter.js';
import { tarStream, tempDir, type Entry } from './layer-fixtures.js';

export interface SnapshotterFixture {
  snapshotter: Snapshotter;
  /** The implementation's Differ, for unpacking layers into it. */
  differ: Differ;
  /** A scratch dir for mount points, removed by the fixture. */
  scratch: string;
}

/** Mounts the snapshot `key`, runs fn on the mount point, and always unmounts. */
export async function withMounted<T>(f: SnapshotterFixture, key: string, fn: (root: string) => T | Promise<T>): Promise<T> {
  const target = join(f.scratch, `mnt-${Math.random().toString(36).slice(2)}`);
  mkdirSync(target);
  await mountAll(await f.snapshotter.mounts(key), target);
  try {
    return await fn(target);
  } finally {
    await unmount(target);
    rmSync(target, { recursive: true });
  }
}

/** Runs the suite; `make` builds a fresh, empty snapshotter for each test and cleans it up with t.after. */
export function snapshotterSuite(name: string, make: (t: import('node:test').TestContext) => Promise<SnapshotterFixture>): void {

  /** prepare → apply → commit, the way layers are unpacked. */
  async function commitLayer(f: SnapshotterFixture, name: string, parent: string | undefined, entries: Entry[]): Promise<void> {
    const key = `extract-${name}`;
    await f.snapshotter.prepare(key, parent);
    await f.differ.apply(key, tarStream(entries));
    await f.snapshotter.commit(name, key);
  }

  test(`${name}: prepare, write through the mount, commit, and see it from a child`, async (t) => {
    const f = await make(t);
    const s = f.snapshotter;
    await s.prepare('a');
    await withMounted(f, 'a', (root) => writeFileSync(join(root, 'foo'), 'from a'));
    await s.commit('a-committed', 'a');
    await s.prepare('b', 'a-committed');
    await withMounted(f, 'b', (root) => {
      assert.equal(readFileSync(join(root, 'foo'), 'utf8'), 'from a');
      writeFileSync(join(root, 'bar'), 'from b');
      rmSync(join(root, 'foo'));
    });
    // The parent layer is untouched by the child's changes.
    await s.view('look', 'a-committed');
    await withMounted(f, 'look', (root) => assert.deepEqual(readdirSync(root), ['foo']));
    await s.commit('b-committed', 'b');
    await s.view('look2', 'b-committed');
    await withMounted(f, 'look2', (root) => assert.deepEqual(readdirSync(root), ['bar']));
  });

  test(`${name}: stat, list and kinds`, async (t) => {
    const { snapshotter: s } = await make(t);
    await s.prepare('p', undefined, { labels: { 'berth.test': '1' } });
    let info = await s.stat('p');
    assert.equal(info.kind, 'active');
    assert.equal(info.parent, undefined);
    assert.deepEqual(info.labels, { 'berth.test': '1' });
    await s.commit('c', 'p', { labels: { more: 'x' } });
    info = await s.stat('c');
    assert.equal(info.kind, 'committed');
    assert.deepEqual(info.labels, { 'berth.test': '1', more: 'x' });
    await assert.rejects(s.stat('p'), NotFoundError);
    await s.view('v', 'c');
    info = await s.stat('v');
    assert.deepEqual([info.kind, info.parent], ['view', 'c']);
    assert.deepEqual((await s.list()).map((i) => `${i.name}:${i.kind}`).sort(), ['c:committed', 'v:view']);
  });

  test(`${name}: errors in docker's terms`, async (t) => {
    const { snapshotter: s } = await make(t);
    await s.prepare('a');
    await assert.rejects(s.prepare('a'), ConflictError);
    await assert.rejects(s.prepare('x', 'missing'), NotFoundError);
    await assert.rejects(s.prepare('x', 'a'), InvalidArgumentError, 'an active snapshot cannot be a parent');
    await s.commit('c', 'a');
    await assert.rejects(s.commit('c2', 'c'), InvalidArgumentError, 'committed snapshots cannot be committed');
    await s.prepare('a2');
    await assert.rejects(s.commit('c', 'a2'), ConflictError, 'the name is taken');
    await assert.rejects(s.mounts('c'), InvalidArgumentError);
    await assert.rejects(s.remove('nope'), NotFoundError);
    await s.view('v', 'c');
    await assert.rejects(s.commit('vc', 'v'), InvalidArgumentError, 'views cannot be committed');
  });

  test(`${name}: remove refuses a snapshot with children, then works bottom-up`, async (t) => {
    const { snapshotter: s } = await make(t);
    await s.prepare('a');
    await s.commit('base', 'a');
    await s.prepare('child', 'base');
    await assert.rejects(s.remove('base'), ConflictError);
    await s.remove('child');
    await s.remove('base');
    assert.deepEqual(await s.list(), []);
    // The name is free again.
    await s.prepare('base');
  });

  test(`${name}: an empty snapshot (no parent) mounts, writable and as a view`, async (t) => {
    const f = await make(t);
    await f.snapshotter.prepare('scratch');
    await withMounted(f, 'scratch', (root) => {
      assert.deepEqual(readdirSync(root), []);
      writeFileSync(join(root, 'x'), 'y');
    });
    await f.snapshotter.view('empty-view');
    await withMounted(f, 'empty-view', (root) => {
      assert.deepEqual(readdirSync(root), []);
      assert.throws(() => writeFileSync(join(root, 'x'), 'y'), /EROFS/);
    });
  });

  test(`${name}: layers unpacked by the differ stack with whiteouts and opaque dirs`, async (t) => {
    const f = await make(t);
    const s = f.snapshotter;
    await commitLayer(f, 'l1', undefined, [
      { name: 'etc/os', type: 'file', mode: 0o644, data: 'one' },
      { name: 'etc/old', type: 'file', mode: 0o644, data: 'old' },
      { name: 'var/cache/a', type: 'file', mode: 0o644, data: 'a' },
    ]);
    await commitLayer(f, 'l2', 'l1', [
      { name: 'etc/.wh.old', type: 'file', mode: 0o600 },
      { name: 'var/cache', type: 'directory', mode: 0o755 },
      { name: 'var/cache/.wh..wh..opq', type: 'file', mode: 0o600 },
      { name: 'var/cache/b', type: 'file', mode: 0o644, data: 'b' },
    ]);
    await commitLayer(f, 'l3', 'l2', [{ name: 'etc/os', type: 'file', mode: 0o644, data: 'three' }]);
    await s.view('v', 'l3');
    await withMounted(f, 'v', (root) => {
      assert.equal(readFileSync(join(root, 'etc/os'), 'utf8'), 'three');
      assert.equal(existsSync(join(root, 'etc/old')), false);
      assert.deepEqual(readdirSync(join(root, 'var/cache')), ['b']);
    });
    await s.prepare('ctr', 'l3');
    await withMounted(f, 'ctr', (root) => {
      writeFileSync(join(root, 'etc/os'), 'container');
    });
    assert.deepEqual(await f.differ.changes('ctr'), [{ path: '/etc', kind: 'modify' }, { path: '/etc/os', kind: 'modify' }], 'changes are the snapshot\'s own');
  });

  test(`${name}: usage counts the snapshot's own bytes and inodes`, async (t) => {
    const f = await make(t);
    const s = f.snapshotter;
    await s.prepare('a');
    const empty = await s.usage('a');
    await withMounted(f, 'a', (root) => writeFileSync(join(root, 'blob'), Buffer.alloc(256 * 1024, 7)));
    const used = await s.usage('a');
    assert.equal(used.inodes, empty.inodes + 1);
    assert.ok(used.size >= empty.size + 256 * 1024, `size ${used.size} counts the new file`);
    await s.commit('c', 'a');
    assert.deepEqual(await s.usage('c'), used);
    await s.prepare('b', 'c');
    assert.deepEqual(await s.usage('b'), empty, 'a child does not count its parents');
  });

  test(`${name}: a long chain of layers mounts (options longer than a page)`, async (t) => {
    const f = await make(t);
    const s = f.snapshotter;
    let parent: string | undefined;
    const depth = 140;
    for (let i = 0; i < depth; i++) {
      await commitLayer(f, `layer-${i}`, parent, [{ name: `f${i}`, type: 'file', mode: 0o644, data: String(i) }]);
      parent = `layer-${i}`;
    }
    await s.prepare('top', parent);
    const opts = (await s.mounts('top'))[0]!.options.join(',');
    assert.ok(opts.length > 4096, `options are ${opts.length} bytes: the test must exceed a page`);
    await withMounted(f, 'top', (root) => {
      assert.equal(readdirSync(root).length, depth);
      assert.equal(readFileSync(join(root, 'f0'), 'utf8'), '0');
    });
  });
}

/** Temp dir plus mounts cleanup for suites; exported for implementations' fixtures. */
export { tempDir };
