import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileInRoot, resolveExecUser, resolveExecUserFrom } from '../../../../src/runtime/user/exec-user.js';
import { parseGroup, parsePasswd } from '../../../../src/runtime/user/passwd-file.js';
import { resolveInRoot } from '../../../../src/fsutil/resolve-in-root.js';
import { InvalidArgumentError } from '../../../../src/errors.js';
import { GROUP, PASSWD, makeRootfs } from '../../../integration/runtime/bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-user-'));
const rootfs = makeRootfs(dir, false);
after(() => rmSync(dir, { recursive: true, force: true }));

const passwd = parsePasswd(PASSWD);
const groups = parseGroup(GROUP);

describe('user resolution', () => {
  it('defaults to root with root\'s supplementary groups', () => {
    assert.deepEqual(resolveExecUserFrom('', passwd, groups), { uid: 0, gid: 0, additionalGids: [0, 10], home: '/root', name: 'root' });
  });

  it('resolves a name to uid, primary gid, home and member groups', () => {
    const u = resolveExecUserFrom('alice', passwd, groups);
    assert.equal(u.uid, 1000);
    assert.equal(u.gid, 1000);
    assert.equal(u.home, '/home/alice');
    assert.deepEqual(u.additionalGids, [1000, 10, 29]);
  });

  it('treats a numeric user as a uid, found or not', () => {
    assert.equal(resolveExecUserFrom('1001', passwd, groups).home, '/home/bob');
    assert.deepEqual(resolveExecUserFrom('1001', passwd, groups).additionalGids, [1001, 50]);
    const u = resolveExecUserFrom('4242', passwd, groups);
    assert.deepEqual(u, { uid: 4242, gid: 0, additionalGids: [0], home: '/' });
  });

  it('takes an explicit group and then no supplementary groups', () => {
    const u = resolveExecUserFrom('alice:staff', passwd, groups);
    assert.equal(u.gid, 50);
    assert.deepEqual(u.additionalGids, [50]);
    assert.deepEqual(resolveExecUserFrom('1000:777', passwd, groups).additionalGids, [777]);
    assert.equal(resolveExecUserFrom('4242:4243', passwd, groups).gid, 4243);
  });

  it('fails like docker for unknown names', () => {
    assert.throws(() => resolveExecUserFrom('foo', passwd, groups), {
      name: 'InvalidArgumentError',
      message: 'unable to find user foo: no matching entries in passwd file',
    });
    assert.throws(() => resolveExecUserFrom('alice:nogrp', passwd, groups), {
      message: 'unable to find group nogrp: no matching entries in group file',
    });
    assert.throws(() => resolveExecUserFrom('foo', undefined, undefined), /unable to find user foo: no matching entries in passwd file/);
    assert.throws(() => resolveExecUserFrom('3000000000', passwd, groups), /uids and gids must be in range 0-2147483647/);
  });

  it('adds --group-add groups by name or number', () => {
    const u = resolveExecUserFrom('bob', passwd, groups, ['audio', '4000', '50']);
    assert.deepEqual(u.additionalGids, [1001, 50, 29, 4000]);
    assert.throws(() => resolveExecUserFrom('bob', passwd, groups, ['nosuch']), { message: 'Unable to find group nosuch' });
  });

  it('reads passwd inside the rootfs', async () => {
    const u = await resolveExecUser(rootfs, 'alice', ['audio']);
    assert.equal(u.uid, 1000);
    assert.deepEqual(u.additionalGids, [1000, 10, 29]);
  });

  it('never follows a symlink out of the rootfs', async () => {
    const evil = makeRootfs(join(dir, 'evil'), false);
    // A host file the symlink would reach if followed from the host's root.
    const outside = join(dir, 'outside-passwd');
    writeFileSync(outside, 'mallory:x:0:0::/:/bin/sh\n');
    rmSync(join(evil, 'etc/passwd'));
    symlinkSync(`../../../../../../../../${outside}`, join(evil, 'etc/passwd'));
    await assert.rejects(resolveExecUser(evil, 'mallory'), /unable to find user mallory/);
    assert.equal(await readFileInRoot(evil, '/etc/passwd'), undefined);
    // An absolute symlink is taken relative to the rootfs.
    rmSync(join(evil, 'etc/passwd'));
    mkdirSync(join(evil, 'alt'), { recursive: true });
    writeFileSync(join(evil, 'alt/passwd'), 'carol:x:5:5::/c:/bin/sh\n');
    symlinkSync('/alt/passwd', join(evil, 'etc/passwd'));
    assert.equal((await resolveExecUser(evil, 'carol')).uid, 5);
  });

  it('resolves paths in a root with .. and link loops', async () => {
    const root = join(dir, 'r');
    mkdirSync(join(root, 'a/b'), { recursive: true });
    symlinkSync('../../../../..', join(root, 'a/b/up'));
    assert.equal(await resolveInRoot(root, '/a/b/up/etc/passwd'), join(root, 'etc/passwd'));
    assert.equal(await resolveInRoot(root, '/../../x'), join(root, 'x'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    await assert.rejects(resolveInRoot(root, '/loop1'), /too many levels/);
  });

  it('throws typed errors', () => {
    assert.throws(() => resolveExecUserFrom('nobody-here', passwd, groups), InvalidArgumentError);
  });
});
