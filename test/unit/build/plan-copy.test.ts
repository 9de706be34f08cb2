// COPY/ADD's pure parts: where the files go, and the flags history shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import type { AddInstruction, CopyInstruction } from '../../../src/build/dockerfile/instructions.js';
import { copyDestination, copyFlags } from '../../../src/build/plan-copy.js';

function copy(line: string): CopyInstruction | AddInstruction {
  return parseDockerfile(`FROM scratch\n${line}\n`).stages[0]!.instructions[0] as CopyInstruction | AddInstruction;
}

test('destinations: absolute as given, relative from WORKDIR, `.` and a trailing / mark a directory', () => {
  assert.equal(copyDestination('/app', '/w'), '/app');
  assert.equal(copyDestination('/app/', '/w'), '/app/');
  assert.equal(copyDestination('app', '/w'), '/w/app');
  // Doubled slash (posix.join keeps the trailing one): harmless for the copy, and part of cache keys as it is.
  assert.equal(copyDestination('app/', '/w'), '/w/app//');
  assert.equal(copyDestination('.', '/w'), '/w/');
  assert.equal(copyDestination('.', undefined), '//');
  assert.equal(copyDestination('x', ''), '/x');
});

test('flags in BuildKit\'s order', () => {
  assert.deepEqual(copyFlags(copy('COPY --link --chmod=755 --chown=1:2 --from=base a /b')), ['--from=base', '--chown=1:2', '--chmod=755', '--link']);
  assert.deepEqual(copyFlags(copy('COPY --parents a/./b /c/')), ['--parents']);
  assert.deepEqual(copyFlags(copy('ADD --chown=app a /b')), ['--chown=app']);
  assert.deepEqual(copyFlags(copy('COPY a /b')), []);
});
