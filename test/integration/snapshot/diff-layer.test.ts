import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync, appendFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { applyLayer } from '../../../src/snapshot/apply-layer.js';
import { diffLayer } from '../../../src/snapshot/diff-layer.js';
import { exportRootfs } from '../../../src/snapshot/export-rootfs.js';
import { mountAll, unmount } from '../../../src/snapshot/mount.js';
import { OverlaySnapshotter } from '../../../src/snapshot/overlay-snapshotter.js';
import { lsetxattrSync, mknodSync, S_IFIFO } from '../../../src/sys/syscalls.js';
import { describeTree, sha256, tarStream, tempDir } from '../../support/layer-fixtures.js';

const LONG = `${'long-'.repeat(30)}/ünï-${'n'.repeat(110)}`;

async function setup(t: import('node:test').TestContext) {
  const { dir, mounts } = tempDir(t);
  const db = new Database(join(dir, 'meta.db'));
  t.after(() => db.close());
  const s = new OverlaySnapshotter(db, join(dir, 's'));
  await s.prepare('x1');
  await applyLayer(tarStream([
    { name: 'etc/hostname', type: 'file', mode: 0o644, data: 'base' },
    { name: 'etc/motd', type: 'file', mode: 0o644, data: 'hello' },
    { name: 'bin/tool', type: 'file', mode: 0o755, data: 'tool' },
    { name: 'bin/alias', type: 'symlink', mode: 0o777, linkname: 'tool' },
    { name: 'data/a', type: 'file', mode: 0o644, data: 'a' },
    { name: 'data/sub/b', type: 'file', mode: 0o644, data: 'b' },
    { name: 'srv/x', type: 'file', mode: 0o600, uid: 33, gid: 33, data: 'x' },
    { name: LONG, type: 'file', mode: 0o644, data: 'long' },
  ]), await s.upperDir('x1'));
  await s.commit('base', 'x1');
  let n = 0;
  const mounted = async (key: string): Promise<string> => {
    const target = join(dir, `m${n++}`);
    mkdirSync(target);
    await mountAll(await s.mounts(key), target);
    mounts.push(target);
    return target;
  };
  return { dir, s, mounted };
}

test('diff round trip: changes made in a mounted container, diffed and applied elsewhere, give the same tree', async (t) => {
  const { s, mounted } = await setup(t);
  await s.prepare('ctr', 'base');
  const root = await mounted('ctr');
  writeFileSync(join(root, 'etc/hostname'), 'changed');            // modified (copy-up)
  rmSync(join(root, 'etc/motd'));                                   // deleted → whiteout
  rmSync(join(root, 'data'), { recursive: true });                  // replaced dir → opaque
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data/new'), 'new');
  chmodSync(join(root, 'bin/tool'), 0o4750);                        // metadata-only change
  symlinkSync('/etc/hostname', join(root, 'etc/link'));
  writeFileSync(join(root, 'srv/y'), 'y');
  linkSync(join(root, 'srv/y'), join(root, 'srv/y-hard'));          // hard link within the layer
  mknodSync(join(root, 'srv/fifo'), S_IFIFO | 0o644);
  lsetxattrSync(join(root, 'srv/y'), 'user.note', Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  appendFileSync(join(root, LONG), ' more');
  await unmount(root);

  const upper = await s.upperDir('ctr');
  const tar = await buffer(diffLayer(upper));
  assert.deepEqual(await buffer(diffLayer(upper)), tar, 'diff output is deterministic');
  const names = execFileSync('tar', ['-tf', '-'], { input: tar }).toString().trim().split('\n');
  assert.ok(names.includes('etc/.wh.motd'), 'deletion becomes a .wh. entry');
  assert.ok(names.includes('data/.wh..wh..opq'), 'replaced dir becomes opaque');
  assert.ok(names.includes(LONG), 'GNU tar reads the long non-ASCII name');
  assert.ok(!names.some((n) => n.startsWith('data/a') || n === 'bin/alias'), 'unchanged content is not in the diff');

  await s.prepare('replay', 'base');
  const res = await applyLayer(tarStream(tar), await s.upperDir('replay'));
  assert.equal(res.diffId, sha256(tar));
  await s.commit('replayed', 'replay');
  await s.commit('ctr-done', 'ctr');
  await s.view('v-orig', 'ctr-done');
  await s.view('v-replay', 'replayed');
  const replayRoot = await mounted('v-replay');
  assert.deepEqual(describeTree(replayRoot, { mtimes: true }), describeTree(await mounted('v-orig'), { mtimes: true }));
  assert.equal(lstatSync(join(replayRoot, 'srv/y')).ino, lstatSync(join(replayRoot, 'srv/y-hard')).ino, 'hard link kept');
});

test('exportRootfs writes the whole merged tree, which tar extracts to the same tree', async (t) => {
  const { dir, s, mounted } = await setup(t);
  await s.view('v', 'base');
  const root = await mounted('v');
  const tar = await buffer(exportRootfs(root));
  const out = join(dir, 'out');
  mkdirSync(out);
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', '-', '-C', out], { input: tar });
  assert.deepEqual(describeTree(out, { mtimes: true }), describeTree(root, { mtimes: true }));
});
