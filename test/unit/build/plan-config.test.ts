// Config-only instructions: their key parts, history text and config change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import type { Instruction } from '../../../src/build/dockerfile/instructions.js';
import { configCreatedBy, planConfigStep } from '../../../src/build/plan-config.js';
import type { ImageConfig } from '../../../src/oci/image-spec.js';

function instr(line: string): Instruction {
  return parseDockerfile(`FROM scratch\n${line}\n`).stages[0]!.instructions[0]!;
}

function configAfter(i: Instruction): ImageConfig {
  const c: ImageConfig = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } };
  planConfigStep(i).applyConfig!(c);
  return c;
}

test('history text as BuildKit writes it', () => {
  assert.equal(configCreatedBy(instr('ENV A=1 B=2')), 'ENV A=1 B=2');
  assert.equal(configCreatedBy(instr('EXPOSE 80 53/udp')), 'EXPOSE map[53/udp:{} 80/tcp:{}]');
  assert.equal(configCreatedBy(instr('CMD ["sh", "-c", "true"]')), 'CMD ["sh","-c","true"]');
  assert.equal(configCreatedBy(instr('USER app')), 'USER app');
  assert.equal(configCreatedBy(instr('STOPSIGNAL SIGTERM')), 'STOPSIGNAL SIGTERM');
});

test('the key holds what the instruction says, not where or how it was written', () => {
  const a = planConfigStep(instr('ENV A=1'));
  const b = parseDockerfile('FROM scratch\n\n# a comment\nenv   A=1\n').stages[0]!.instructions[0]!;
  assert.deepEqual(planConfigStep(b).keyParts, a.keyParts);
  assert.notDeepEqual(planConfigStep(instr('ENV A=2')).keyParts, a.keyParts);
  assert.equal(a.keyParts[0], 'CONFIG');
});

test('config-only steps make no layer and change the config', async () => {
  const p = planConfigStep(instr('LABEL x=y'));
  assert.equal(await p.execute(), undefined);
  assert.deepEqual(configAfter(instr('LABEL x=y')).config?.Labels, { x: 'y' });
  assert.deepEqual(configAfter(instr('WORKDIR /srv')).config?.WorkingDir, '/srv');
});

test('MAINTAINER sets the author', () => {
  const i = instr('MAINTAINER someone <a@b.c>');
  const p = planConfigStep(i);
  assert.deepEqual(p.keyParts, ['MAINTAINER', 'someone <a@b.c>']);
  assert.equal(p.createdBy, 'MAINTAINER someone <a@b.c>');
  assert.equal(configAfter(i).author, 'someone <a@b.c>');
});
