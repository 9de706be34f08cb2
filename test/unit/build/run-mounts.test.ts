// RUN --mount's targets, and the order cache mounts are taken in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import type { RunInstruction } from '../../../src/build/dockerfile/instructions.js';
import { cacheMountOrder, mountTarget } from '../../../src/build/run-mounts.js';

function run(src: string): RunInstruction {
  return parseDockerfile(`FROM scratch\n${src}\n`).stages[0]!.instructions[0] as RunInstruction;
}

test('mount targets go on from WORKDIR; cache mounts are taken in id order', () => {
  const r = run('RUN --mount=type=cache,target=b --mount=type=cache,id=a,target=/x --mount=type=tmpfs,target=/t --mount=type=cache,target=/c true');
  assert.equal(mountTarget(r.mounts[0]!, '/w'), '/w/b');
  assert.equal(mountTarget(r.mounts[1]!, '/w'), '/x');
  assert.deepEqual(cacheMountOrder(r.mounts, '/w').map((c) => c.id), ['/c', '/w/b', 'a']);
  assert.deepEqual(cacheMountOrder(r.mounts, '/w').map((c) => c.m), [r.mounts[3], r.mounts[0], r.mounts[1]]);
});
