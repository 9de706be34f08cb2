// A bad file fails before anything is created, with file, line and key in the message.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './project-fixture.js';

async function failure(files: Record<string, string>): Promise<string> {
  try {
    await load(files);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a failure');
}

it('malformed YAML names the file and line', async () => {
  const msg = await failure({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n   bad: [\n' });
  assert.match(msg, /compose\.yaml:\d+: malformed YAML/);
});

it('an unknown key names file, line and key', async () => {
  const msg = await failure({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    imag: typo\n' });
  assert.match(msg, /compose\.yaml:4: services\.web\.imag: additional property "imag" is not allowed/);
  assert.match(await failure({ 'compose.yaml': 'service:\n  web: {}\n' }), /compose\.yaml:1: service: additional property/);
  assert.match(await failure({ 'compose.yaml': 'services:\n  web:\n    image: x\n    ports: 80\n' }), /compose\.yaml:4: services\.web\.ports: must be a list/);
  assert.match(await failure({ 'compose.yaml': 'services:\n  web:\n    image: x\n    healthcheck:\n      intervl: 1s\n' }), /:5: services\.web\.healthcheck\.intervl/);
});

it('a depends_on cycle names the services, the file and the line', async () => {
  const msg = await failure({
    'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n',
  });
  assert.match(msg, /compose\.yaml:4: services\.a\.depends_on\.b: dependency cycle detected: a -> b -> c -> a/);
});

it('a dependency on an undefined service, a bad port or duration, an undefined volume', async () => {
  assert.match(await failure({ 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [nope]\n' }), /:4: services\.a\.depends_on\.nope: service "a" depends on undefined service "nope"/);
  assert.match(await failure({ 'compose.yaml': 'services:\n  a:\n    image: x\n    ports: ["80:80:80:80"]\n' }), /:4: services\.a\.ports: invalid port/);
  assert.match(await failure({ 'compose.yaml': 'services:\n  a:\n    image: x\n    stop_grace_period: soon\n' }), /:4: services\.a\.stop_grace_period: invalid duration "soon"/);
  assert.match(await failure({ 'compose.yaml': 'services:\n  a:\n    image: x\n    volumes: [data:/d]\n' }), /:4: services\.a\.volumes\[0\]: service "a" refers to undefined volume data/);
});

it('no compose file found', async () => {
  await assert.rejects(load({}), /no configuration file provided: not found/);
});
