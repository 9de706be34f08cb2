import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatternMatcher, matchesPatterns } from '../../../../src/build/context/pattern-matcher.js';
import { keepBuildFiles, loadDockerignore, parseDockerignore } from '../../../../src/build/context/dockerignore.js';
import { cleanPath } from '../../../../src/build/context/clean-path.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-dockerignore-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// [pattern, path, excluded] — one pattern at a time; a match on a parent directory counts.
const SINGLE: [string, string, boolean][] = [
  ['node_modules', 'node_modules', true],
  ['node_modules', 'node_modules/x/index.js', true],
  ['node_modules', 'src/node_modules', false],
  ['**/node_modules', 'src/node_modules/x', true],
  ['*.md', 'README.md', true],
  ['*.md', 'docs/guide.md', false],
  ['**/*.md', 'docs/guide.md', true],
  ['**/*.md', 'README.md', true],
  ['docs/*.md', 'docs/a.md', true],
  ['docs/*.md', 'docs/sub/a.md', false],
  ['docs/**/*.md', 'docs/sub/deep/a.md', true],
  ['docs/**', 'docs/a', true],
  ['docs/**', 'docs', false],
  ['**', 'anything/at/all', true],
  ['tmp?', 'tmp1', true],
  ['tmp?', 'tmp12', false],
  ['tmp?', 'tmp/', false],
  ['[a-c]*.log', 'b-debug.log', true],
  ['[a-c]*.log', 'd-debug.log', false],
  ['[^a-c]*.log', 'd.log', true],
  ['\\*.txt', '*.txt', true],
  ['\\*.txt', 'a.txt', false],
  ['a.b', 'axb', false],
  ['a+b(c)', 'a+b(c)', true],
  ['.git', '.git/HEAD', true],
  ['.*', '.env', true],
  ['.*', 'env', false],
  ['build/', 'build/out.o', true],
  ['/build', 'build/out.o', true],
  ['./build', 'build', true],
  ['a/../b', 'b/c', true],
  ['dir/**/x', 'dir/x', true],
  ['dir/**/x', 'dir/a/b/x', true],
];

test('dockerignore: single patterns', () => {
  for (const [pattern, path, want] of SINGLE) {
    const pm = new PatternMatcher(parseDockerignore(pattern));
    assert.equal(pm.matchesOrParentMatches(path), want, `${pattern} vs ${path}`);
  }
});

// [patterns, path, excluded] — the last matching pattern decides; `!` re-includes.
const MULTI: [string[], string, boolean][] = [
  [['*', '!src'], 'src/main.go', false],
  [['*', '!src'], 'vendor/x', true],
  [['**/*.md', '!README.md'], 'README.md', false],
  [['**/*.md', '!README.md'], 'docs/README.md', true],
  [['!README.md', '*.md'], 'README.md', true],
  [['logs', '!logs/keep.log'], 'logs/keep.log', false],
  [['logs', '!logs/keep.log'], 'logs/other.log', true],
  [['**', '!dist/*.whl'], 'dist/pkg-1.0+local-py3-none-any.whl', false],
  [['**', '!app', 'app/secret'], 'app/secret', true],
  [['**', '!app', 'app/secret'], 'app/main', false],
];

test('dockerignore: exceptions and order', () => {
  for (const [patterns, path, want] of MULTI) {
    assert.equal(new PatternMatcher(patterns).matchesOrParentMatches(path), want, `${patterns.join(' ')} vs ${path}`);
  }
});

test('dockerignore: walking with parent results gives the same answers', () => {
  for (const [patterns, path, want] of [...MULTI, ...SINGLE.map(([p, f, w]) => [[p], f, w] as [string[], string, boolean])]) {
    const pm = new PatternMatcher(parseDockerignore(patterns.join('\n')));
    const dirs = path.split('/').slice(0, -1);
    let info: boolean[] | undefined;
    for (let i = 0; i < dirs.length; i++) info = pm.matchesUsingParentResults(dirs.slice(0, i + 1).join('/'), info).info;
    assert.equal(pm.matchesUsingParentResults(path, info).excluded, want, `${patterns.join(' ')} vs ${path}`);
  }
});

test('dockerignore: file syntax', () => {
  const text = '\uFEFF# comment\n  node_modules  \n\n!  keep.md\n*.md\r\n/abs/path\n./rel//x/../y\n #not a comment\n!/root\n';
  assert.deepEqual(parseDockerignore(text), ['node_modules', '!keep.md', '*.md', 'abs/path', 'rel/y', '#not a comment', '!root']);
  assert.throws(() => new PatternMatcher(['!']), /illegal exclusion pattern: "!"/);
  assert.throws(() => new PatternMatcher(['[a-']), /syntax error in pattern/);
  assert.equal(matchesPatterns('.', ['**']), false);
});

test('dockerignore: the Dockerfile and .dockerignore are always sent', () => {
  assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile'), ['*', '!.dockerignore', '!Dockerfile']);
  assert.deepEqual(keepBuildFiles(['build/'], 'build/app.Dockerfile'), ['build/', '!build/app.Dockerfile']);
  assert.deepEqual(keepBuildFiles(['src'], 'Dockerfile'), ['src']);
  const pm = new PatternMatcher(keepBuildFiles(['*'], 'Dockerfile'));
  assert.equal(pm.matches('Dockerfile'), false);
  assert.equal(pm.matches('main.go'), true);
});

test('dockerignore: <Dockerfile>.dockerignore takes precedence', async () => {
  const ctx = join(tmp, 'ctx');
  mkdirSync(join(ctx, 'build'), { recursive: true });
  writeFileSync(join(ctx, '.dockerignore'), 'root-rule\n');
  assert.deepEqual(await loadDockerignore(ctx, 'Dockerfile'), { path: '.dockerignore', patterns: ['root-rule'] });
  writeFileSync(join(ctx, 'build', 'app.Dockerfile.dockerignore'), 'specific\n!x\n');
  assert.deepEqual(await loadDockerignore(ctx, 'build/app.Dockerfile'), { path: 'build/app.Dockerfile.dockerignore', patterns: ['specific', '!x'] });
  assert.deepEqual((await loadDockerignore(ctx, 'build/other.Dockerfile')).patterns, ['root-rule']);
  assert.deepEqual(await loadDockerignore(join(tmp, 'missing'), 'Dockerfile'), { patterns: [] });
});

test('clean paths like Go', () => {
  const cases: [string, string][] = [
    ['', '.'], ['.', '.'], ['./', '.'], ['a/', 'a'], ['a//b', 'a/b'], ['a/./b', 'a/b'], ['a/../b', 'b'], ['../a', '../a'],
    ['/../a', '/a'], ['/', '/'], ['a/b/../../..', '..'], ['//x//', '/x'],
  ];
  for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
});
