// CacheMounts on its own: locked users queue (also across ids taken in order), private users get
// distinct directories only while they overlap, owners of a new cache directory, a seeded one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CacheMounts } from '../../../src/build/cache-mounts.js';

const root = mkdtempSync(join(tmpdir(), 'berth-cachemounts-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('locked: the next user waits for the release', async () => {
  const cm = new CacheMounts(root);
  const first = await cm.acquire('x', { sharing: 'locked' });
  let second: { dir: string; release(): void } | undefined;
  const waiting = cm.acquire('x', { sharing: 'locked' }).then((l) => (second = l));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(second, undefined);
  first.release();
  await waiting;
  assert.equal(second!.dir, first.dir);
  second!.release();
  // Shared users are not held up by a locked one.
  const locked = await cm.acquire('x', { sharing: 'locked' });
  const shared = await cm.acquire('x');
  assert.equal(shared.dir, locked.dir);
  locked.release();
  shared.release();
});

test('private: a fresh directory only while the first is in use', async () => {
  const cm = new CacheMounts(root);
  const a = await cm.acquire('p', { sharing: 'private' });
  const b = await cm.acquire('p', { sharing: 'private' });
  assert.notEqual(a.dir, b.dir);
  a.release();
  const c = await cm.acquire('p', { sharing: 'private' });
  assert.equal(c.dir, a.dir);
  b.release();
  c.release();
});

test('a new cache directory gets mode, uid and gid', async () => {
  const cm = new CacheMounts(root);
  const l = await cm.acquire('owned', { mode: 0o700, uid: 1234, gid: 4321 });
  const st = statSync(l.dir);
  assert.equal(st.mode & 0o777, 0o700);
  if (process.getuid?.() === 0) assert.deepEqual([st.uid, st.gid], [1234, 4321]);
  l.release();
});

test('seed: a new cache is a copy of the base directory (its mode too); an existing one is kept', async () => {
  const cm = new CacheMounts(join(root, 'caches'));
  const tree = join(root, 'tree');
  mkdirSync(join(tree, 'base', 'sub'), { recursive: true, mode: 0o750 });
  writeFileSync(join(tree, 'base', 'sub', 'f'), 'one');
  const l = await cm.acquire('seeded', { seed: { root: tree, path: '/base' } });
  assert.equal(readFileSync(join(l.dir, 'sub', 'f'), 'utf8'), 'one');
  assert.equal(statSync(l.dir).mode & 0o777, 0o750);
  l.release();
  writeFileSync(join(tree, 'base', 'sub', 'f'), 'two');
  const again = await cm.acquire('seeded', { seed: { root: tree, path: '/base' } });
  assert.equal(readFileSync(join(again.dir, 'sub', 'f'), 'utf8'), 'one');
  again.release();
  await assert.rejects(cm.acquire('bad-seed', { seed: { root: tree, path: '/base/sub/f' } }), /not a directory/);
});

test('a seed copy left half made by a crash is removed when the daemon starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cachemounts-crash-'));
  try {
    mkdirSync(join(dir, 'abc.seed-XyZ12'), { recursive: true });
    writeFileSync(join(dir, 'abc.seed-XyZ12', 'half'), 'x');
    mkdirSync(join(dir, 'abc'));
    new CacheMounts(dir);
    assert.throws(() => statSync(join(dir, 'abc.seed-XyZ12')), { code: 'ENOENT' });
    assert.ok(statSync(join(dir, 'abc')).isDirectory());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
