import { it } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateString } from '../../../../src/compose/model/interpolate.js';
import { configOf, load } from './project-fixture.js';

const env: Record<string, string> = { SET: 'v', EMPTY: '' };
const sub = (s: string): string => interpolateString(s, (n) => env[n]);

it('substitutes every form compose knows', () => {
  assert.equal(sub('$SET ${SET}'), 'v v');
  assert.equal(sub('${UNSET:-d} ${EMPTY:-d} ${SET:-d}'), 'd d v');
  assert.equal(sub('${UNSET-d} ${EMPTY-d}'), 'd ');
  assert.equal(sub('${SET:+r} ${EMPTY:+r} ${UNSET:+r}'), 'r  ');
  assert.equal(sub('${SET+r} ${EMPTY+r} ${UNSET+r}'), 'r r ');
  assert.equal(sub('${SET:?boom} ${EMPTY?boom}'), 'v ');
  assert.equal(sub('$$SET $${SET} a$$'), '$SET ${SET} a$');
  assert.equal(sub('${UNSET:-${SET}-x}'), 'v-x');
  assert.equal(sub('cost: $5'), 'cost: $5');
});

it('required variables fail with their message', () => {
  assert.throws(() => sub('${UNSET:?must be set}'), /required variable UNSET is missing a value: must be set/);
  assert.throws(() => sub('${EMPTY:?}'), /required variable EMPTY is missing a value$/);
  assert.throws(() => sub('${UNSET?x}'), /required variable UNSET/);
  assert.throws(() => sub('${ bad}'), /invalid interpolation format/);
  assert.throws(() => sub('${SET'), /invalid interpolation format/);
});

it('a missing required variable in a file names file, line and key', async () => {
  await assert.rejects(
    load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    environment:\n      TOKEN: ${TOKEN:?set a token}\n' }),
    (err: Error) => /compose\.yaml:5: services\.web\.environment\.TOKEN: required variable TOKEN is missing a value: set a token/.test(err.message),
  );
});

it('unset variables warn once and become blank; config shows the result', async () => {
  const { warnings, project } = await load({ 'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n    command: echo $TAG $$HOME\n' });
  assert.deepEqual(warnings, ['The "TAG" variable is not set. Defaulting to a blank string.']);
  assert.equal(project.services.web!.image, 'busybox:');
  assert.deepEqual(project.services.web!.command, ['echo', '$HOME']);
  const out = await configOf({ 'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG:-1.36}"\n' }, { environment: {} });
  assert.match(out, /image: busybox:1\.36/);
});

it('no interpolation leaves the text as written', async () => {
  const { project } = await load({ 'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n' }, { interpolate: false });
  assert.equal(project.services.web!.image, 'busybox:${TAG}');
});
