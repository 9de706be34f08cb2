// copyIntoRoot on plain directories: destinations resolved inside the root (symlinks can't lead
// out), directory contents merged, owners and modes as COPY sets them.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { copyIntoRoot } from '../../../src/build/copy-into-root.js';

describe('copyIntoRoot', () => {
  const base = mkdtempSync('/tmp/berth-copy-root-');
  after(() => rmSync(base, { recursive: true, force: true }));
  const src = join(base, 'src');
  const root = join(base, 'root');
  mkdirSync(join(src, 'dir', 'deeper'), { recursive: true });
  writeFileSync(join(src, 'file.txt'), 'file');
  writeFileSync(join(src, 'dir', 'a.txt'), 'a');
  writeFileSync(join(src, 'dir', 'deeper', 'b.txt'), 'b');
  symlinkSync('a.txt', join(src, 'dir', 'link'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'keep'), 'kept');
  // Links in the image that point out of it, absolutely and by ..
  symlinkSync('/../../../outside', join(root, 'abs'));
  symlinkSync('../../../../outside-rel', join(root, 'rel'));

  it('follows destination symlinks inside the root only', async () => {
    await copyIntoRoot({ srcRoot: src, sources: ['file.txt'], destRoot: root, dest: '/abs/', preserveOwner: false });
    await copyIntoRoot({ srcRoot: src, sources: ['file.txt'], destRoot: root, dest: '/rel/x.txt', preserveOwner: false });
    assert.equal(readFileSync(join(root, 'outside', 'file.txt'), 'utf8'), 'file');
    assert.equal(readFileSync(join(root, 'outside-rel', 'x.txt'), 'utf8'), 'file');
    assert.ok(!existsSync('/outside') && !existsSync(join(base, 'outside-rel')) && !existsSync('/outside-rel'));
  });

  it('merges a directory source into an existing directory; symlinks stay links', async () => {
    await copyIntoRoot({ srcRoot: src, sources: ['dir'], destRoot: root, dest: '/etc', preserveOwner: false });
    assert.equal(readFileSync(join(root, 'etc', 'keep'), 'utf8'), 'kept');
    assert.equal(readFileSync(join(root, 'etc', 'deeper', 'b.txt'), 'utf8'), 'b');
    assert.equal(readlinkSync(join(root, 'etc', 'link')), 'a.txt');
  });

  it('sets --chown and --chmod on everything copied, and makes missing parents', async () => {
    await copyIntoRoot({ srcRoot: src, sources: ['dir'], destRoot: root, dest: '/new/place/', owner: { uid: 1234, gid: 4321 }, mode: 0o750, preserveOwner: false });
    for (const p of ['new/place/a.txt', 'new/place/deeper', 'new/place/deeper/b.txt']) {
      const st = statSync(join(root, p));
      assert.equal(st.uid, 1234, p);
      assert.equal(st.gid, 4321, p);
      assert.equal(st.mode & 0o7777, 0o750, p);
    }
    assert.equal(lstatSync(join(root, 'new')).uid, 1234);
  });

  it('refuses several sources into a path without a trailing slash', async () => {
    await assert.rejects(
      copyIntoRoot({ srcRoot: src, sources: ['file.txt', 'dir/a.txt'], destRoot: root, dest: '/many', preserveOwner: false }),
      /destination must be a directory and end with a \//,
    );
  });

  it('writes host owners in a remapped store; owners of a source of that store stay as they are', { skip: process.getuid?.() !== 0 }, async () => {
    const idMap = { uidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }] };
    await copyIntoRoot({ srcRoot: src, sources: ['dir'], destRoot: root, dest: '/remapped/', preserveOwner: false, idMap });
    const own = (p: string): number[] => [lstatSync(join(root, p)).uid, lstatSync(join(root, p)).gid];
    assert.deepEqual(own('remapped'), [200000, 300000]);
    assert.deepEqual(own('remapped/deeper/b.txt'), [200000, 300000]);
    await copyIntoRoot({ srcRoot: src, sources: ['file.txt'], destRoot: root, dest: '/chowned', owner: { uid: 1000, gid: 7 }, preserveOwner: false, idMap });
    assert.deepEqual(own('chowned'), [201000, 300007]);
    // Another stage's tree already holds host ids: kept, not shifted again.
    await copyIntoRoot({ srcRoot: root, sources: ['chowned'], destRoot: root, dest: '/again', preserveOwner: true, idMap, sourceShifted: true });
    assert.deepEqual(own('again'), [201000, 300007]);
    await assert.rejects(copyIntoRoot({ srcRoot: src, sources: ['file.txt'], destRoot: root, dest: '/far', owner: { uid: 70000, gid: 0 }, preserveOwner: false, idMap }), /cannot be mapped/);
  });
});
