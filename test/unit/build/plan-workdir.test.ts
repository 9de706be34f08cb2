// WORKDIR's directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import type { WorkdirInstruction } from '../../../src/build/dockerfile/instructions.js';
import { workdirPath } from '../../../src/build/plan-workdir.js';

test('WORKDIR goes on from the current directory', () => {
  const wd = (line: string): WorkdirInstruction => parseDockerfile(`FROM scratch\n${line}\n`).stages[0]!.instructions[0] as WorkdirInstruction;
  assert.equal(workdirPath({}, wd('WORKDIR /a')), '/a');
  assert.equal(workdirPath({ WorkingDir: '/a' }, wd('WORKDIR b')), '/a/b');
  assert.equal(workdirPath({}, wd('WORKDIR b')), '/b');
});
