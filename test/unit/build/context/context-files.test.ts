import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pack as tarPack } from 'tar-stream';
import { globMatch, containsWildcards, BadPatternError } from '../../../../src/build/context/glob-match.js';
import { copyTarget, resolveCopySource, resolveCopySources, splitWildcards } from '../../../../src/build/context/copy-sources.js';
import { HostileArchiveError, packContext, unpackContext } from '../../../../src/build/context/context-tar.js';
import { collectEntries, digestEntries } from '../../../../src/build/context/content-digest.js';
import { parseDockerignore } from '../../../../src/build/context/dockerignore.js';
import { NotFoundError } from '../../../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-context-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, content);
    }
  }
  return root;
}

// [pattern, name, matches] — Go's filepath.Match.
const GLOB: [string, string, boolean][] = [
  ['*', 'abc', true],
  ['*', 'a/b', false],
  ['*.txt', 'notes.txt', true],
  ['*.txt', '.txt', true],
  ['a*b*c', 'axxbyyc', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['?', 'x', true],
  ['?', '', false],
  ['?', '/', false],
  ['??', 'ü!', true],
  ['[abc]', 'b', true],
  ['[a-c]x', 'cx', true],
  ['[a-c]x', 'dx', false],
  ['[^a-c]x', 'dx', true],
  ['[^a-c]x', 'ax', false],
  ['[\\]]', ']', true],
  ['[\\-]', '-', true],
  ['\\*', '*', true],
  ['\\*', 'x', false],
  ['\\?\\[', '?[', true],
  ['a\\b', 'ab', true],
  ['[a-z][0-9]', 'q7', true],
  ['*/*.go', 'cmd/main.go', true],
  ['*/*.go', 'cmd/sub/main.go', false],
];

test('COPY globs: Go filepath.Match', () => {
  for (const [pattern, name, want] of GLOB) assert.equal(globMatch(pattern, name), want, `${pattern} vs ${name}`);
  for (const bad of ['[', '[a-', '[]', 'x\\', '[-a]', '[a-]']) assert.throws(() => globMatch(bad, 'x'), BadPatternError, bad);
  assert.equal(containsWildcards('a/b.txt'), false);
  assert.equal(containsWildcards('a\\*b'), false);
  assert.equal(containsWildcards('a/[bc]'), true);
  assert.deepEqual(splitWildcards('src/lib/*.js'), { fixed: 'src/lib', glob: '*.js' });
  assert.deepEqual(splitWildcards('*/x/y'), { fixed: '.', glob: '*/x/y' });
  assert.deepEqual(splitWildcards('a/b'), { fixed: 'a/b', glob: '' });
});

test('COPY sources: resolving globs in a context', async () => {
  const root = tree(join(tmp, 'globctx'), {
    'package.json': '{}',
    'package-lock.json': '{}',
    'README.md': '#',
    'src/a.js': '', 'src/b.ts': '', 'src/lib/c.js': '',
    'dist1/x': '', 'dist2/y': '',
    'cmd/tool/main.go': '', 'cmd/other/main.go': '', 'cmd/readme': '',
  });
  assert.deepEqual(await resolveCopySource(root, 'package*.json'), ['package-lock.json', 'package.json']);
  assert.deepEqual(await resolveCopySource(root, './src/*.js'), ['src/a.js']);
  assert.deepEqual(await resolveCopySource(root, 'src/*'), ['src/a.js', 'src/b.ts', 'src/lib']); // a matching dir is taken whole
  assert.deepEqual(await resolveCopySource(root, 'dist?'), ['dist1', 'dist2']);
  assert.deepEqual(await resolveCopySource(root, 'cmd/*/main.go'), ['cmd/other/main.go', 'cmd/tool/main.go']);
  assert.deepEqual(await resolveCopySource(root, '/src/../README.md'), ['README.md']);
  assert.deepEqual(await resolveCopySource(root, '*.nothing'), []);
  assert.deepEqual(await resolveCopySource(root, '.'), ['.']);
  assert.deepEqual(await resolveCopySources(root, ['README.md', '*.json']), ['README.md', 'package-lock.json', 'package.json']);
  await assert.rejects(resolveCopySources(root, ['missing.txt']), (e: unknown) => e instanceof NotFoundError && e.message === '"/missing.txt": not found');
});

test('COPY destinations: directory contents, trailing slash, existing dirs', () => {
  const cases: [Parameters<typeof copyTarget>[0], ReturnType<typeof copyTarget>][] = [
    [{ source: 'app.js', sourceIsDir: false, dest: '/srv/', destIsExistingDir: false }, { path: '/srv/app.js', contentsOf: false }],
    [{ source: 'app.js', sourceIsDir: false, dest: '/srv/main.js', destIsExistingDir: false }, { path: '/srv/main.js', contentsOf: false }],
    [{ source: 'app.js', sourceIsDir: false, dest: '/srv', destIsExistingDir: true }, { path: '/srv/app.js', contentsOf: false }],
    [{ source: 'src/lib', sourceIsDir: true, dest: '/srv', destIsExistingDir: false }, { path: '/srv', contentsOf: true }],
    [{ source: 'src/lib', sourceIsDir: true, dest: '/srv/', destIsExistingDir: true }, { path: '/srv', contentsOf: true }],
    [{ source: 'x', sourceIsDir: false, dest: '/', destIsExistingDir: true }, { path: '/x', contentsOf: false }],
    [{ source: 'a/b/c.txt', sourceIsDir: false, dest: 'rel/', destIsExistingDir: false }, { path: 'rel/c.txt', contentsOf: false }],
  ];
  for (const [input, want] of cases) assert.deepEqual(copyTarget(input), want, JSON.stringify(input));
});

test('context tar: .dockerignore applied as the CLI does, round trip', async () => {
  const root = tree(join(tmp, 'tarctx'), {
    'Dockerfile': 'FROM scratch\n',
    '.dockerignore': 'node_modules\n*.log\nsecrets\n!secrets/public.pem\n.git\n',
    'main.go': 'package main\n',
    'debug.log': 'x',
    'node_modules/dep/index.js': '',
    'secrets/private.key': 'k',
    'secrets/public.pem': 'p',
    'sub/dir/file.txt': 'deep',
    '.git/HEAD': 'ref',
    'empty/': '',
  });
  chmodSync(join(root, 'main.go'), 0o755);
  symlinkSync('sub/dir/file.txt', join(root, 'link'));
  linkSync(join(root, 'main.go'), join(root, 'main-hardlink.go'));
  const excludes = parseDockerignore(readFileSync(join(root, '.dockerignore')));
  const tarBytes = await buffer(packContext(root, { excludes }));

  const out = join(tmp, 'tarout');
  await unpackContext(Readable.from([tarBytes]), out);
  const present = (p: string) => existsSync(join(out, p));
  for (const p of ['Dockerfile', '.dockerignore', 'main.go', 'secrets/public.pem', 'sub/dir/file.txt', 'empty', 'main-hardlink.go']) assert.ok(present(p), p);
  for (const p of ['debug.log', 'node_modules', 'secrets/private.key', '.git']) assert.ok(!present(p), p);
  assert.equal(readFileSync(join(out, 'sub/dir/file.txt'), 'utf8'), 'deep');
  assert.equal(lstatSync(join(out, 'main.go')).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(out, 'link')), 'sub/dir/file.txt');
  assert.equal(lstatSync(join(out, 'main-hardlink.go')).ino, lstatSync(join(out, 'main.go')).ino);
  // Same content digest on both sides (owners differ: the tar says 0:0).
  const paths = ['Dockerfile', 'main.go', 'sub', 'link', 'secrets/public.pem'];
  const strip = (list: Awaited<ReturnType<typeof collectEntries>>) => list.map(({ uid: _u, gid: _g, ...rest }) => rest);
  assert.deepEqual(strip(await collectEntries(out, paths)), strip(await collectEntries(root, paths)));
});

function hostileTar(entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; data?: string }[]): Promise<Buffer> {
  const p = tarPack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file') p.entry({ name: e.name, type, mode: 0o644 }, e.data ?? 'x');
    else p.entry({ name: e.name, type, linkname: e.linkname, mode: 0o755 });
  }
  p.finalize();
  return buffer(Readable.from(p));
}

test('context tar: hostile entries are refused', async () => {
  const cases: [string, Parameters<typeof hostileTar>[0]][] = [
    ['absolute path', [{ name: '/etc/passwd' }]],
    ['dot-dot', [{ name: '../escape' }]],
    ['dot-dot inside', [{ name: 'a/../../escape' }]],
    ['write through symlink', [{ name: 'evil', type: 'symlink', linkname: '/tmp' }, { name: 'evil/pwned' }]],
    ['hard link out', [{ name: 'h', type: 'link', linkname: '../../etc/shadow' }]],
    ['hard link to missing', [{ name: 'h', type: 'link', linkname: 'nope' }]],
  ];
  let n = 0;
  for (const [what, entries] of cases) {
    const dest = join(tmp, `hostile-${n++}`);
    await assert.rejects(unpackContext(Readable.from([await hostileTar(entries)]), dest), HostileArchiveError, what);
    assert.ok(!existsSync(join(tmp, 'escape')) && !existsSync(join(tmp, 'pwned')));
  }
  // A symlink pointing outside is stored as a link, harmlessly.
  const dest = join(tmp, 'benign');
  await unpackContext(Readable.from([await hostileTar([{ name: 'ln', type: 'symlink', linkname: '/etc/passwd' }, { name: './ok.txt', data: 'fine' }])]), dest);
  assert.equal(readlinkSync(join(dest, 'ln')), '/etc/passwd');
  assert.equal(readFileSync(join(dest, 'ok.txt'), 'utf8'), 'fine');
});

test('content digest: content, mode and links count; mtimes do not', async () => {
  const root = tree(join(tmp, 'digest'), { 'a.txt': 'one', 'dir/b.txt': 'two' });
  symlinkSync('a.txt', join(root, 'ln'));
  const d0 = await digestEntries(root, ['.']);
  assert.match(d0, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await digestEntries(root, ['.']), d0);

  utimesSync(join(root, 'a.txt'), new Date(1000), new Date(1000));
  utimesSync(join(root, 'dir'), new Date(2000), new Date(2000));
  assert.equal(await digestEntries(root, ['.']), d0, 'touching must not change the key');

  writeFileSync(join(root, 'a.txt'), 'ONE');
  const d1 = await digestEntries(root, ['.']);
  assert.notEqual(d1, d0, 'content change');

  chmodSync(join(root, 'dir/b.txt'), 0o600);
  const d2 = await digestEntries(root, ['.']);
  assert.notEqual(d2, d1, 'mode change');

  rmSync(join(root, 'ln'));
  symlinkSync('dir/b.txt', join(root, 'ln'));
  const d3 = await digestEntries(root, ['.']);
  assert.notEqual(d3, d2, 'symlink target change');

  writeFileSync(join(root, 'dir/new.txt'), '');
  assert.notEqual(await digestEntries(root, ['.']), d3, 'new file');

  // Only the named paths count; order of naming does not.
  assert.equal(await digestEntries(root, ['a.txt', 'dir']), await digestEntries(root, ['dir', './a.txt']));
  assert.notEqual(await digestEntries(root, ['a.txt']), await digestEntries(root, ['dir']));
  assert.equal(await digestEntries(root, ['.'], { exclude: (p) => p === 'dir/new.txt' }), d3);
  await assert.rejects(digestEntries(root, ['nope']), NotFoundError);
});
