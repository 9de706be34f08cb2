// Short syntax → long, units, project names, discovery.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePorts } from '../../../../src/compose/model/port-syntax.js';
import { parseVolume } from '../../../../src/compose/model/volume-syntax.js';
import { formatDuration, parseDuration, parseSize } from '../../../../src/compose/model/units.js';
import { normalizeProjectName, resolveProjectName } from '../../../../src/compose/model/project-name.js';
import { discoverFiles } from '../../../../src/compose/model/discover-files.js';
import { configOf, load, projectDir } from './project-fixture.js';

it('ports: short forms, ranges, protocols, IPv6 hosts', () => {
  assert.deepEqual(parsePorts('80'), [{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePorts(8080), [{ mode: 'ingress', target: 8080, protocol: 'tcp' }]);
  assert.deepEqual(parsePorts('8080:80/udp'), [{ mode: 'ingress', target: 80, protocol: 'udp', published: '8080' }]);
  assert.deepEqual(parsePorts('127.0.0.1::80'), [{ mode: 'ingress', target: 80, protocol: 'tcp', host_ip: '127.0.0.1' }]);
  assert.deepEqual(parsePorts('[::1]:8080:80'), [{ mode: 'ingress', target: 80, protocol: 'tcp', host_ip: '::1', published: '8080' }]);
  assert.deepEqual(parsePorts('9000-9001:90-91').map((p) => [p.published, p.target]), [['9000', 90], ['9001', 91]]);
  assert.deepEqual(parsePorts('9000-9005:80'), [{ mode: 'ingress', target: 80, protocol: 'tcp', published: '9000-9005' }]);
  assert.deepEqual(parsePorts({ target: 80, published: 8080, host_ip: '0.0.0.0' }), [{ mode: 'ingress', target: 80, protocol: 'tcp', host_ip: '0.0.0.0', published: '8080' }]);
  assert.throws(() => parsePorts('80/icmp'), /invalid port/);
  assert.throws(() => parsePorts('x:80'), /invalid port/);
});

it('volumes: named, bind, anonymous, modes, long form', () => {
  assert.deepEqual(parseVolume('/data', '/p'), { type: 'volume', target: '/data', volume: {} });
  assert.deepEqual(parseVolume('db:/var/lib/db:ro,nocopy', '/p'), { type: 'volume', source: 'db', target: '/var/lib/db', volume: { nocopy: true }, read_only: true });
  assert.deepEqual(parseVolume('./site:/www:z,rshared', '/p'), { type: 'bind', source: '/p/site', target: '/www', bind: { create_host_path: true, selinux: 'z', propagation: 'rshared' } });
  assert.deepEqual(parseVolume({ type: 'tmpfs', target: '/t', tmpfs: { size: '64m' } }, '/p'), { type: 'tmpfs', target: '/t', tmpfs: { size: 64 * 1024 * 1024 } });
  assert.deepEqual(parseVolume({ type: 'bind', source: 'rel', target: '/r', read_only: true }, '/p'), { type: 'bind', source: '/p/rel', target: '/r', read_only: true });
  assert.throws(() => parseVolume('a::b', '/p'), /empty section/);
  assert.throws(() => parseVolume({ type: 'weird', target: '/x' }, '/p'), /invalid volume type/);
});

it('durations and sizes', () => {
  assert.equal(parseDuration('1m30s'), 90e9);
  assert.equal(parseDuration('500ms'), 5e8);
  assert.equal(parseDuration('1.5h'), 5400e9);
  assert.equal(parseDuration('10'), undefined);
  assert.equal(formatDuration(90e9), '1m30s');
  assert.equal(formatDuration(3600e9), '1h0m0s');
  assert.equal(formatDuration(5e8), '500ms');
  assert.equal(formatDuration(1.5e9), '1.5s');
  assert.equal(parseSize('512m'), 512 * 1024 ** 2);
  assert.equal(parseSize('1gb'), 1024 ** 3);
  assert.equal(parseSize('1.5k'), 1536);
  assert.equal(parseSize(100), 100);
  assert.equal(parseSize('lots'), undefined);
});

it('the long form of everything in config output', async () => {
  const out = await configOf({
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: busybox',
      '    command: sh -c "echo hi"',
      '    environment: [A=1]',
      '    labels: {tier: front}',
      '    ports: ["8080:80"]',
      '    volumes: [data:/data]',
      '    networks: [back]',
      '    depends_on: [db]',
      '    healthcheck: {test: "true", interval: 30s, retries: 3}',
      '    stop_grace_period: 1m',
      '    extra_hosts: ["db.local:10.0.0.2"]',
      '  db:',
      '    image: postgres',
      '    networks:',
      '      back: {aliases: [database], ipv4_address: 172.30.0.5}',
      'volumes: {data: {}}',
      'networks: {back: {}}',
      '',
    ].join('\n'),
  });
  assert.equal(
    out,
    [
      'name: app',
      'services:',
      '  db:',
      '    image: postgres',
      '    networks:',
      '      back:',
      '        aliases:',
      '          - database',
      '        ipv4_address: 172.30.0.5',
      '  web:',
      '    command:',
      '      - sh',
      '      - -c',
      '      - echo hi',
      '    depends_on:',
      '      db:',
      '        condition: service_started',
      '        required: true',
      '    environment:',
      '      A: "1"',
      '    extra_hosts:',
      '      - db.local:10.0.0.2',
      '    healthcheck:',
      '      test:',
      '        - CMD-SHELL',
      '        - "true"',
      '      interval: 30s',
      '      retries: 3',
      '    image: busybox',
      '    labels:',
      '      tier: front',
      '    networks:',
      '      back: null',
      '    ports:',
      '      - mode: ingress',
      '        target: 80',
      '        published: "8080"',
      '        protocol: tcp',
      '    stop_grace_period: 1m0s',
      '    volumes:',
      '      - type: volume',
      '        source: data',
      '        target: /data',
      '        volume: {}',
      'networks:',
      '  back:',
      '    name: app_back',
      'volumes:',
      '  data:',
      '    name: app_data',
      '',
    ].join('\n'),
  );
});

it('project names: -p, COMPOSE_PROJECT_NAME, the file, the directory (normalized)', async () => {
  assert.equal(normalizeProjectName('My App.v2'), 'myappv2');
  assert.equal(normalizeProjectName('_x'), 'x');
  assert.equal(resolveProjectName({ projectDir: '/a/My_Dir' }), 'my_dir');
  assert.throws(() => resolveProjectName({ flag: 'Bad Name', projectDir: '/a' }), /invalid project name "Bad Name"/);
  const files = { 'compose.yaml': 'name: fromfile\nservices: {web: {image: x}}\n' };
  assert.equal((await load(files)).project.name, 'fromfile');
  assert.equal((await load(files, { environment: { COMPOSE_PROJECT_NAME: 'fromenv' } })).project.name, 'fromenv');
  assert.equal((await load(files, { projectName: 'flag', environment: { COMPOSE_PROJECT_NAME: 'fromenv' } })).project.name, 'flag');
  assert.equal((await load({ 'compose.yaml': 'services: {web: {image: x}}\n' })).project.name, 'app');
});

it('discovery walks up; COMPOSE_FILE splits on ":"; an override file comes along', () => {
  const dir = projectDir({ 'docker-compose.yml': 'services: {}\n', 'docker-compose.override.yml': 'services: {}\n', 'a.yaml': '', 'b.yaml': '' });
  const deep = join(dir, 'x', 'y');
  mkdirSync(deep, { recursive: true });
  assert.deepEqual(discoverFiles([], deep, {}), [join(dir, 'docker-compose.yml'), join(dir, 'docker-compose.override.yml')]);
  assert.deepEqual(discoverFiles([], dir, { COMPOSE_FILE: 'a.yaml:b.yaml' }), [join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
  assert.deepEqual(discoverFiles(['b.yaml'], dir, { COMPOSE_FILE: 'a.yaml' }), [join(dir, 'b.yaml')]);
});
