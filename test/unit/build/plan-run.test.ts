// RUN's pure parts: the argv it runs and the network it runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import type { RunInstruction } from '../../../src/build/dockerfile/instructions.js';
import { runCommand, runNetwork } from '../../../src/build/plan-run.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const SH = ['/bin/sh', '-c'];

function run(src: string): RunInstruction {
  const i = parseDockerfile(`FROM scratch\n${src}\n`).stages[0]!.instructions[0]!;
  assert.equal(i.kind, 'RUN');
  return i as RunInstruction;
}

test('shell form runs through the shell, exec form as written', () => {
  assert.deepEqual(runCommand(run('RUN echo hi'), SH), { argv: ['/bin/sh', '-c', 'echo hi'] });
  assert.deepEqual(runCommand(run('RUN echo hi'), ['/bin/bash', '-xc']), { argv: ['/bin/bash', '-xc', 'echo hi'] });
  assert.deepEqual(runCommand(run('RUN ["echo", "hi"]'), SH), { argv: ['echo', 'hi'] });
});

test('a heredoc that is the whole command is the script; with #! it runs as a program', () => {
  assert.deepEqual(runCommand(run('RUN <<EOF\necho a\necho b\nEOF'), SH), { argv: ['/bin/sh', '-c', 'echo a\necho b\n'] });
  const prog = runCommand(run('RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF'), SH);
  assert.deepEqual(prog.argv, ['/dev/pipes/EOF']);
  assert.deepEqual(prog.program, { path: '/dev/pipes/EOF', body: '#!/usr/bin/env python3\nprint(1)\n' });
});

test('a heredoc fed to a command is appended to the script', () => {
  const r = runCommand(run('RUN cat <<EOF > /f\nhello\nEOF'), SH);
  assert.deepEqual(r.argv, ['/bin/sh', '-c', 'cat <<EOF > /f\nhello\nEOF']);
  assert.equal(r.program, undefined);
});

test('the network: RUN --network, else the build mode, else the default bridge', () => {
  assert.equal(runNetwork('default', undefined, true), 'default');
  assert.equal(runNetwork('default', 'bridge', true), 'default');
  assert.equal(runNetwork('default', 'mynet', true), 'mynet');
  assert.equal(runNetwork('none', 'mynet', true), 'none');
  assert.equal(runNetwork('host', undefined, true), 'host');
  assert.equal(runNetwork('default', 'none', true), 'none');
  // No network service: the host's, unless told none.
  assert.equal(runNetwork('default', undefined, false), 'host');
  assert.equal(runNetwork('default', 'mynet', false), 'host');
  assert.equal(runNetwork('none', undefined, false), 'none');
  assert.throws(() => runNetwork('default', 'container:abc', true), InvalidArgumentError);
});
