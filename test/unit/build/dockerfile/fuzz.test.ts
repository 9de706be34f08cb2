// Fuzz-style: random and mutated Dockerfiles through the parser, the planner, the per-step
// expansion and the lexer. Each must finish and either succeed or throw the front end's own
// typed error (DockerfileError) — never a TypeError, RangeError or a hang. Seeded, so a failure
// reproduces; the seed is in the assertion message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileError } from '../../../../src/build/dockerfile/errors.js';
import { ShellLex } from '../../../../src/build/dockerfile/shell-lexer.js';
import { PatternMatcher } from '../../../../src/build/context/pattern-matcher.js';
import { InvalidArgumentError } from '../../../../src/errors.js';
import { TEST_SOURCES } from '../../../support/repo-paths.js';
import { seededRandom } from '../../../support/seeded-random.js';
import { exerciseDockerfile } from '../../../support/fuzz/targets/text-targets.js';

const FIXTURES = join(TEST_SOURCES, 'unit/build/dockerfile/fixtures/');
const CORPUS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => readFileSync(FIXTURES + f, 'utf8'));


const TOKENS = [
  'FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'WORKDIR', 'USER', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'VOLUME', 'LABEL',
  'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER', 'AS', 'NONE', 'scratch', 'alpine', 'base',
  '--from=', '--mount=type=cache,target=/x', '--mount=', '--chown=', '--link', '--platform=$TARGETPLATFORM', '--interval=1s', '--',
  '<<EOF', '<<-EOF', '<<"EOF"', "<<'X'", 'EOF', 'X', '\\', '`', '\\\n', '`\n', '\n', '\t', ' ', '  ', '#', '# escape=`', '# syntax=x',
  '$', '${', '}', '${A:-b}', '${A:?e}', '${A#*/}', '${A//x/y}', '$A', '"', "'", '[', ']', '["a", "b"]', '[1]', '{', ',', '=', 'A=1',
  '\u00a0', '\u2028', '\uFEFF', '😀', '\0', '\r\n', '/', '..', '*', '?', '0', '1',
];

function randomDockerfile(r: () => number): string {
  const n = Math.floor(r() * 60);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(r() * TOKENS.length)]! + (r() < 0.5 ? ' ' : '');
  return s;
}

function mutate(src: string, r: () => number): string {
  let s = src;
  const edits = 1 + Math.floor(r() * 6);
  for (let i = 0; i < edits; i++) {
    const pos = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 5)) {
      case 0: // delete a span
        s = s.slice(0, pos) + s.slice(pos + Math.floor(r() * 20));
        break;
      case 1: // insert a token
        s = s.slice(0, pos) + TOKENS[Math.floor(r() * TOKENS.length)]! + s.slice(pos);
        break;
      case 2: // duplicate a span
        s = s.slice(0, pos) + s.slice(pos, pos + Math.floor(r() * 40)) + s.slice(pos);
        break;
      case 3: // flip a character
        s = s.slice(0, pos) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(pos + 1);
        break;
      default: // cut the file
        s = s.slice(0, pos);
    }
  }
  return s;
}

/** Parse, plan and expand every stage; only DockerfileError may escape. */
function exercise(src: string, label: string): void {
  try {
    exerciseDockerfile(src);
  } catch (err) {
    if (!(err instanceof DockerfileError)) {
      assert.fail(`${label}: threw ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}\ninput: ${JSON.stringify(src)}`);
    }
  }
}

test('fuzz: random token soup', () => {
  for (let seed = 1; seed <= 1500; seed++) exercise(randomDockerfile(seededRandom(seed)), `random seed ${seed}`);
});

test('fuzz: mutated real-world Dockerfiles', () => {
  let seed = 0;
  for (const base of CORPUS) {
    for (let i = 0; i < 250; i++) {
      seed++;
      const r = seededRandom(seed * 7919);
      exercise(mutate(base, r), `mutation seed ${seed}`);
    }
  }
});

test('fuzz: lexer on random words', () => {
  const env = new Map([['A', 'a/b/c'], ['E', ''], ['S', ' x  y ']]);
  const lexers = [new ShellLex('\\'), new ShellLex('`'), new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }), new ShellLex('\\', { skipProcessQuotes: true })];
  for (let seed = 1; seed <= 3000; seed++) {
    const r = seededRandom(seed);
    let w = '';
    const n = Math.floor(r() * 12);
    for (let i = 0; i < n; i++) w += TOKENS[Math.floor(r() * TOKENS.length)]!;
    for (const lex of lexers) {
      try {
        lex.processWord(w, env);
        lex.processWords(w, env);
      } catch (err) {
        if (!(err instanceof DockerfileError)) assert.fail(`lexer seed ${seed}: ${String(err)} on ${JSON.stringify(w)}`);
      }
    }
  }
});

test('fuzz: pathological inputs stay linear', () => {
  // Long runs that would make backtracking regexes explode must still finish promptly; the
  // test runner's timeout is the judge, no timing assertion here.
  const long = ' '.repeat(60_000);
  for (const src of [
    `FROM a\nRUN x${long}y`,
    `# syntax=a${long}b\nFROM a`,
    `FROM a\nENV A=${'\\ '.repeat(20_000)}`,
    `FROM a\nRUN ${'\\\n'.repeat(20_000)}x`,
    `FROM a\nCOPY <<EOF /x\n${'line\n'.repeat(50_000)}EOF`,
    `FROM a\nLABEL ${'"a" '.repeat(10_000)}`,
    `FROM a\nWORKDIR ${'${A:-'.repeat(2_000)}${'}'.repeat(2_000)}`,
    `FROM a\nWORKDIR \${A//${'*'.repeat(2_000)}/x}`,
    `FROM a\nRUN ${'x'.repeat(70_000)}`, // over docker's line limit
  ]) {
    exercise(src, `pathological ${src.slice(0, 30)}`);
  }
  for (const p of ['*'.repeat(5_000) + 'x', '**/'.repeat(2_000) + 'a', '[a-z]'.repeat(2_000)]) {
    try {
      new PatternMatcher([p]).matches('a/'.repeat(500) + 'b');
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError, String(err));
    }
  }
});
