import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvText } from '../../../../src/compose/model/env-file.js';
import { configOf, load } from './project-fixture.js';

it('parses compose dotenv syntax', () => {
  const text = [
    '# comment',
    'A=1',
    'export B = two ',
    "C='$A literal'",
    'D="line\\nnext ${A}"',
    'E=x # trailing comment',
    'F',
    'G=${A}-${MISSING:-d}',
    'H="multi',
    'line"',
  ].join('\n');
  assert.deepEqual(parseEnvText(text, '.env'), {
    A: '1',
    B: 'two',
    C: '$A literal',
    D: 'line\nnext 1',
    E: 'x',
    F: null,
    G: '1-d',
    H: 'multi\nline',
  });
  assert.throws(() => parseEnvText('BAD KEY=1', '.env'), /\.env:1: unexpected character/);
});

it('.env feeds interpolation, the shell wins over it, --env-file replaces it', async () => {
  const files = { 'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n    environment: ["LEVEL=${LEVEL}"]\n', '.env': 'TAG=1.36\nLEVEL=debug\n', 'prod.env': 'TAG=stable\nLEVEL=warn\n' };
  let out = await configOf(files);
  assert.match(out, /image: busybox:1\.36/);
  assert.match(out, /LEVEL: debug/);
  out = await configOf(files, { environment: { TAG: 'shell' } });
  assert.match(out, /image: busybox:shell/);
  const { project, dir } = await load(files, { envFiles: ['prod.env'] });
  assert.equal(project.services.web!.image, 'busybox:stable');
  assert.equal(project.environment.LEVEL, 'warn');
  assert.ok(dir);
  await assert.rejects(load(files, { envFiles: ['nope.env'] }), /env file .*nope\.env not found/);
});

it('env_file and environment: the file first, environment over it, bare names from the environment', async () => {
  const { project } = await load(
    { 'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: [web.env]\n    environment:\n      B: override\n      C:\n', 'web.env': 'A=a\nB=b\n' },
    { environment: { C: 'from-shell' } },
  );
  assert.deepEqual(project.services.web!.environment, { A: 'a', B: 'override', C: 'from-shell' });
});
