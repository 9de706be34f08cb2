// Several files merged, extends, profiles — each checked through config output or the project.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { configOf, load } from './project-fixture.js';

it('several files merge by compose rules', async () => {
  const files = {
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: web:1',
      '    command: [serve, --slow]',
      '    environment: {A: "1", B: "1"}',
      '    ports: ["8080:80"]',
      '    volumes: ["./a:/data", "logs:/logs"]',
      '    dns: [1.1.1.1]',
      '    healthcheck: {test: [CMD, a], interval: 10s}',
      'volumes: {logs: {}}',
      '',
    ].join('\n'),
    'override.yaml': [
      'services:',
      '  web:',
      '    image: web:2',
      '    command: [serve]',
      '    environment: [B=2, C=3]',
      '    ports: ["8080:80", "9090:90"]',
      '    volumes: ["./b:/data"]',
      '    dns: [8.8.8.8]',
      '    healthcheck: {test: [CMD, b]}',
      '  extra:',
      '    image: busybox',
      '',
    ].join('\n'),
  };
  const { project, dir } = await load(files, { files: ['compose.yaml', 'override.yaml'] });
  const web = project.services.web!;
  assert.equal(web.image, 'web:2');
  assert.deepEqual(web.command, ['serve']);
  assert.deepEqual(web.environment, { A: '1', B: '2', C: '3' });
  assert.deepEqual(web.ports.map((p) => `${p.published}:${p.target}`), ['8080:80', '9090:90']);
  assert.deepEqual(web.volumes.map((v) => `${v.source}:${v.target}`), [`${dir}/b:/data`, 'logs:/logs']);
  assert.deepEqual(web.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(web.healthcheck, { test: ['CMD', 'b'], interval: 10e9 });
  assert.deepEqual(Object.keys(project.services).sort(), ['extra', 'web']);
  assert.deepEqual(project.configFiles, [`${dir}/compose.yaml`, `${dir}/override.yaml`]);
  const out = await configOf(files, { files: ['compose.yaml', 'override.yaml'] });
  assert.match(out, /image: web:2/);
  assert.match(out, /published: "9090"/);
});

it('extends, in the same file and from another, with relative paths from that file', async () => {
  const files = {
    'compose.yaml': [
      'services:',
      '  base:',
      '    image: busybox',
      '    environment: {A: "1"}',
      '    labels: {tier: base}',
      '  web:',
      '    extends: base',
      '    environment: {B: "2"}',
      '  api:',
      '    extends: {file: common/services.yaml, service: app}',
      '    command: [api]',
      '',
    ].join('\n'),
    'common/services.yaml': 'services:\n  app:\n    build: ./src\n    command: [app]\n    volumes: ["./conf:/conf"]\n',
  };
  const { project, dir } = await load(files);
  assert.deepEqual(project.services.web!.environment, { A: '1', B: '2' });
  assert.deepEqual(project.services.web!.labels, { tier: 'base' });
  assert.equal(project.services.web!.image, 'busybox');
  const api = project.services.api!;
  assert.equal(api.build!.context, `${dir}/common/src`);
  assert.deepEqual(api.command, ['api']);
  assert.equal(api.volumes[0]!.source, `${dir}/common/conf`);
  const out = await configOf(files);
  assert.match(out, /web:\n(?:.*\n)*?\s+environment:\n\s+A: "1"\n\s+B: "2"/);
  assert.doesNotMatch(out, /extends/);
});

it('an extends loop and a missing base fail with file, line and key', async () => {
  await assert.rejects(load({ 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n' }), /compose\.yaml:3: services\.a\.extends: circular reference with extends: a -> b -> a/);
  await assert.rejects(load({ 'compose.yaml': 'services:\n  a:\n    extends: nope\n' }), /compose\.yaml:3: services\.a\.extends: .*service "nope" not found/);
});

it('profiles: --profile, COMPOSE_PROFILES, "*", and dependencies on disabled services', async () => {
  const files = {
    'compose.yaml': [
      'services:',
      '  web: {image: x}',
      '  debug: {image: x, profiles: [dev]}',
      '  seed: {image: x, profiles: [dev, test]}',
      '',
    ].join('\n'),
  };
  assert.deepEqual(Object.keys((await load(files)).project.services), ['web']);
  assert.deepEqual(Object.keys((await load(files, { profiles: ['test'] })).project.services), ['web', 'seed']);
  assert.deepEqual(Object.keys((await load(files, { environment: { COMPOSE_PROFILES: 'dev' } })).project.services), ['web', 'debug', 'seed']);
  assert.deepEqual(Object.keys((await load(files, { profiles: ['*'] })).project.services), ['web', 'debug', 'seed']);
  assert.deepEqual(Object.keys((await load(files)).project.disabledServices), ['debug', 'seed']);
  const out = await configOf(files, { profiles: ['test'] });
  assert.match(out, /seed:/);
  assert.doesNotMatch(out, /debug:/);
  const dependent = { 'compose.yaml': 'services:\n  web:\n    image: x\n    depends_on: [debug]\n  debug: {image: x, profiles: [dev]}\n' };
  await assert.rejects(load(dependent), /compose\.yaml:4: services\.web\.depends_on\.debug: service "web" depends on service "debug", which is disabled by profiles/);
  const optional = { 'compose.yaml': 'services:\n  web:\n    image: x\n    depends_on: {debug: {condition: service_started, required: false}}\n  debug: {image: x, profiles: [dev]}\n' };
  const { project, warnings } = await load(optional);
  assert.deepEqual(project.services.web!.depends_on, {});
  assert.equal(warnings.length, 1);
});
