import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { applyLayer, cleanLayerPath, UnsafeLayerError } from '../../../src/snapshot/apply-layer.js';
import { lgetxattrSync, lsetxattrSync } from '../../../src/sys/syscalls.js';
import { mountAll, overlayMount } from '../../../src/snapshot/mount.js';
import { describeTree, sha256, tarBytes, tarStream, tempDir, type Entry } from '../../support/layer-fixtures.js';

// A v2 file capability (cap_net_bind_service+ep): binary, with bytes above 0x7f.
const CAPABILITY = Buffer.from('0100000200040000000000000000000000000000', 'hex');
const BINARY_XATTR = Buffer.from([0x00, 0xff, 0x80, 0x0a, 0xc3]);

const EVERY_TYPE: Entry[] = [
  { name: 'bin', type: 'directory', mode: 0o755, mtime: 1_500_000_000 },
  { name: 'bin/tool', type: 'file', mode: 0o4755, uid: 0, gid: 0, data: '#!/bin/sh\necho hi\n', mtime: 1_500_000_001,
    xattrs: { 'security.capability': CAPABILITY } },
  { name: 'bin/tool-link', type: 'link', mode: 0o4755, linkname: 'bin/tool' },
  { name: 'bin/sh', type: 'symlink', mode: 0o777, linkname: '/bin/busybox', mtime: 1_500_000_002 },
  { name: 'tmp', type: 'directory', mode: 0o1777, mtime: 1_500_000_003 },
  { name: 'home/user/notes.txt', type: 'file', mode: 0o640, uid: 1000, gid: 1001, data: 'private', mtime: 1_500_000_004,
    xattrs: { 'user.tag': BINARY_XATTR } },
  { name: 'run/pipe', type: 'fifo', mode: 0o620, uid: 5, gid: 6 },
  { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
  { name: 'dev/loop9', type: 'block-device', mode: 0o660, devmajor: 7, devminor: 9 },
  { name: `deep/${'d'.repeat(120)}/${'ünïcode-'.repeat(20)}.txt`, type: 'file', mode: 0o644, data: 'long name' },
  { name: './etc/', type: 'directory', mode: 0o750, uid: 0, gid: 42, mtime: 1_500_000_005 },
  { name: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0::/root:/bin/sh\n' },
];

test('applyLayer extracts every entry type with ownership, modes, times and xattrs', async (t) => {
  const { dir } = tempDir(t);
  const bytes = tarBytes(EVERY_TYPE);
  const res = await applyLayer(tarStream(bytes), dir);
  assert.equal(res.diffId, sha256(bytes));
  assert.equal(res.size, bytes.length);

  const tool = lstatSync(join(dir, 'bin/tool'));
  assert.equal(tool.mode & 0o7777, 0o4755, 'setuid kept after chown');
  assert.equal(readFileSync(join(dir, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.equal(tool.mtimeMs, 1_500_000_001_000);
  assert.deepEqual(lgetxattrSync(join(dir, 'bin/tool'), 'security.capability'), CAPABILITY);
  assert.equal(lstatSync(join(dir, 'bin/tool-link')).ino, tool.ino, 'hard link shares the inode');
  assert.equal(tool.nlink, 2);

  const sh = lstatSync(join(dir, 'bin/sh'));
  assert.ok(sh.isSymbolicLink());
  assert.equal(sh.mtimeMs, 1_500_000_002_000, 'symlink times set without following');

  assert.equal(lstatSync(join(dir, 'tmp')).mode & 0o7777, 0o1777);
  assert.equal(lstatSync(join(dir, 'tmp')).mtimeMs, 1_500_000_003_000);
  assert.equal(lstatSync(join(dir, 'bin')).mtimeMs, 1_500_000_000_000, 'dir times set after its children');

  const notes = lstatSync(join(dir, 'home/user/notes.txt'));
  assert.deepEqual([notes.uid, notes.gid, notes.mode & 0o7777], [1000, 1001, 0o640]);
  assert.deepEqual(lgetxattrSync(join(dir, 'home/user/notes.txt'), 'user.tag'), BINARY_XATTR);
  assert.equal(lstatSync(join(dir, 'home')).mode & 0o7777, 0o755, 'implicit parents are 0755');

  const pipe = lstatSync(join(dir, 'run/pipe'));
  assert.ok(pipe.isFIFO());
  assert.deepEqual([pipe.uid, pipe.gid, pipe.mode & 0o7777], [5, 6, 0o620]);
  const devnull = lstatSync(join(dir, 'dev/null'));
  assert.ok(devnull.isCharacterDevice());
  assert.equal(devnull.rdev, (1 << 8) | 3);
  assert.ok(lstatSync(join(dir, 'dev/loop9')).isBlockDevice());

  const long = EVERY_TYPE[9]!.name;
  assert.equal(readFileSync(join(dir, long), 'utf8'), 'long name');

  const etc = lstatSync(join(dir, 'etc'));
  assert.deepEqual([etc.gid, etc.mode & 0o7777, etc.mtimeMs], [42, 0o750, 1_500_000_005_000]);
});

test('applyLayer turns whiteouts into overlay whiteouts, seen through a real overlay mount', async (t) => {
  const { dir, mounts } = tempDir(t);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((n) => join(dir, n));
  for (const d of [lower, upper, work, merged]) mkdirSync(d);
  await applyLayer(tarStream([
    { name: 'keep.txt', type: 'file', mode: 0o644, data: 'keep' },
    { name: 'gone.txt', type: 'file', mode: 0o644, data: 'gone' },
    { name: 'gonedir/a', type: 'file', mode: 0o644, data: 'a' },
    { name: 'opaque/old1', type: 'file', mode: 0o644, data: 'old' },
    { name: 'opaque/sub/old2', type: 'file', mode: 0o644, data: 'old' },
    { name: 'plain/old', type: 'file', mode: 0o644, data: 'old' },
  ]), lower);
  await applyLayer(tarStream([
    { name: '.wh.gone.txt', type: 'file', mode: 0o600 },
    { name: '.wh.gonedir', type: 'file', mode: 0o600 },
    { name: 'opaque', type: 'directory', mode: 0o755 },
    { name: 'opaque/.wh..wh..opq', type: 'file', mode: 0o600 },
    { name: 'opaque/new', type: 'file', mode: 0o644, data: 'new' },
    { name: 'plain/new', type: 'file', mode: 0o644, data: 'new' },
    { name: 'plain/.wh..wh.plnk', type: 'file', mode: 0o600 },
  ]), upper);

  const wo = lstatSync(join(upper, 'gone.txt'));
  assert.ok(wo.isCharacterDevice() && wo.rdev === 0, 'whiteout is a 0/0 char device');
  assert.equal(lgetxattrSync(join(upper, 'opaque'), 'trusted.overlay.opaque')?.toString(), 'y');
  assert.equal(existsSync(join(upper, 'plain/.wh..wh.plnk')), false, 'aufs bookkeeping is not written');

  // Mount the two as layers of a read-only overlay and look at the merged tree.
  await mountAll([overlayMount({ lowerDirs: [upper, lower] })], merged);
  mounts.push(merged);
  assert.deepEqual(readdirSync(merged).sort(), ['keep.txt', 'opaque', 'plain']);
  assert.deepEqual(readdirSync(join(merged, 'opaque')), ['new'], 'opaque dir hides the lower content');
  assert.deepEqual(readdirSync(join(merged, 'plain')).sort(), ['new', 'old'], 'a plain dir merges');
  assert.equal(existsSync(join(merged, 'gone.txt')), false);
});

/** Applies a hostile layer under base/target and checks nothing appeared outside target. */
async function assertRefused(t: import('node:test').TestContext, entries: Entry[], message: RegExp, outside?: string): Promise<void> {
  const { dir } = tempDir(t);
  const target = join(dir, 'target');
  mkdirSync(target);
  await assert.rejects(applyLayer(tarStream(entries), target), (err: Error) => {
    assert.ok(err instanceof UnsafeLayerError, `UnsafeLayerError expected, got ${err.name}: ${err.message}`);
    assert.match(err.message, message);
    return true;
  });
  assert.deepEqual(readdirSync(dir), ['target'], 'nothing written beside the target');
  if (outside) assert.equal(existsSync(outside), false, `${outside} must not exist`);
}

test('applyLayer refuses hostile layers and writes nothing outside the directory', async (t) => {
  const host = `/tmp/berth-pwned-${randomBytes(6).toString('hex')}`;
  t.after(() => execFileSync('rm', ['-rf', host]));
  await assertRefused(t, [{ name: '../x', type: 'file', mode: 0o644, data: 'x' }], /outside of the layer root/);
  await assertRefused(t, [{ name: 'a/../../x', type: 'file', mode: 0o644, data: 'x' }], /outside of the layer root/);
  await assertRefused(t, [{ name: host, type: 'file', mode: 0o644, data: 'x' }], /is absolute/, host);
  // A symlink to / and then a file "through" it.
  await assertRefused(t, [
    { name: 'evil', type: 'symlink', mode: 0o777, linkname: '/' },
    { name: `evil${host}`, type: 'file', mode: 0o644, data: 'x' },
  ], /is a symlink/, host);
  // The same with a relative symlink climbing out, and a directory entry through it.
  await assertRefused(t, [
    { name: 'up', type: 'symlink', mode: 0o777, linkname: '../../../../../../../..' },
    { name: `up${host}`, type: 'directory', mode: 0o755 },
  ], /is a symlink/, host);
  // Hard links to outside, absolute and relative, and through a symlinked dir.
  await assertRefused(t, [{ name: 'passwd', type: 'link', mode: 0o644, linkname: '../../../../etc/passwd' }], /outside of the layer root/);
  await assertRefused(t, [{ name: 'passwd', type: 'link', mode: 0o644, linkname: '/etc/passwd' }], /is absolute/);
  await assertRefused(t, [
    { name: 'etcdir', type: 'symlink', mode: 0o777, linkname: '/etc' },
    { name: 'passwd', type: 'link', mode: 0o644, linkname: 'etcdir/passwd' },
  ], /not a directory inside the layer/);
  // A whiteout through a symlink.
  await assertRefused(t, [
    { name: 'root', type: 'symlink', mode: 0o777, linkname: '/' },
    { name: 'root/tmp/.wh.x', type: 'file', mode: 0o600 },
  ], /is a symlink/);
  // Overlay's own attributes.
  await assertRefused(t, [
    { name: 'd', type: 'directory', mode: 0o755, xattrs: { 'trusted.overlay.redirect': Buffer.from('/etc') } },
  ], /overlay's own attribute/);
});

test('applyLayer replaces a planted symlink instead of writing through it', async (t) => {
  const { dir } = tempDir(t);
  const target = join(dir, 'target');
  mkdirSync(target);
  writeFileSync(join(dir, 'victim'), 'original');
  await applyLayer(tarStream([
    { name: 'f', type: 'symlink', mode: 0o777, linkname: '../victim' },
    { name: 'f', type: 'file', mode: 0o644, data: 'replaced' },
  ]), target);
  assert.equal(readFileSync(join(dir, 'victim'), 'utf8'), 'original');
  assert.ok(lstatSync(join(target, 'f')).isFile());
});

test('applyLayer with devices: refuse rejects device nodes but not whiteouts or fifos', async (t) => {
  const { dir } = tempDir(t);
  await applyLayer(tarStream([
    { name: 'p', type: 'fifo', mode: 0o644 },
    { name: '.wh.x', type: 'file', mode: 0o600 },
  ]), dir, { devices: 'refuse' });
  await assert.rejects(
    applyLayer(tarStream([{ name: 'sda', type: 'block-device', mode: 0o600, devmajor: 8, devminor: 0 }]), dir, { devices: 'refuse' }),
    /device nodes are not allowed/,
  );
  assert.equal(existsSync(join(dir, 'sda')), false);
});

test('applyLayer reads what GNU tar writes (PAX xattrs, long names, hard links)', async (t) => {
  const { dir } = tempDir(t);
  const src = join(dir, 'src');
  const long = `${'x'.repeat(90)}/${'y'.repeat(90)}/${'z'.repeat(90)}`;
  mkdirSync(join(src, long), { recursive: true });
  writeFileSync(join(src, long, 'file'), 'deep');
  writeFileSync(join(src, 'capped'), 'bin');
  lsetxattrSync(join(src, 'capped'), 'security.capability', CAPABILITY);
  execFileSync('ln', [join(src, 'capped'), join(src, 'hard')]);
  const tar = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--format=pax', '-C', src, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
  const out = join(dir, 'out');
  mkdirSync(out);
  const res = await applyLayer(tarStream(tar), out);
  assert.equal(res.diffId, sha256(tar));
  assert.equal(readFileSync(join(out, long, 'file'), 'utf8'), 'deep');
  assert.equal(lstatSync(join(out, 'hard')).ino, lstatSync(join(out, 'capped')).ino);
  assert.deepEqual(lgetxattrSync(join(out, 'capped'), 'security.capability'), lgetxattrSync(join(src, 'capped'), 'security.capability'));
  assert.deepEqual(describeTree(out), describeTree(src));
});

test('applyLayer fails on a truncated tar', async (t) => {
  const { dir } = tempDir(t);
  const bytes = tarBytes([{ name: 'big', type: 'file', mode: 0o644, data: Buffer.alloc(10_000, 1) }]);
  await assert.rejects(applyLayer(tarStream(bytes.subarray(0, 3000)), dir), /Unexpected end of data/);
});

test('cleanLayerPath normalises names and refuses escapes', () => {
  const cases: Array<[string, string]> = [
    ['usr/bin/env', 'usr/bin/env'], ['etc/', 'etc'], ['./etc/', 'etc'], ['a//b/', 'a/b'], ['a/./b', 'a/b'],
    ['a/../b', 'b'], ['.', ''], ['./', ''], ['a/..', ''], ['.wh..wh..opq', '.wh..wh..opq'], ['...', '...'],
  ];
  for (const [input, want] of cases) assert.equal(cleanLayerPath(input), want, input);
  for (const bad of ['/etc/passwd', '..', '../x', 'a/../../x', './../x']) assert.throws(() => cleanLayerPath(bad), UnsafeLayerError, bad);
});
