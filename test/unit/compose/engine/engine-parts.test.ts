// The engine's pure parts: names, labels, the config hash, the create body, dependency order,
// progress lines and log prefixes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { canonicalJson, serviceConfigHash } from '../../../../src/compose/engine/config-hash.js';
import { containerCreateBody, restartPolicy } from '../../../../src/compose/engine/container-config.js';
import { containerName, oneoffContainerName, scopedName } from '../../../../src/compose/engine/resource-names.js';
import { dependenciesLabel } from '../../../../src/compose/engine/labels.js';
import { createProgressWriter } from '../../../../src/compose/engine/progress-writer.js';
import { dependantsOf, inDependencyOrder, withDependencies } from '../../../../src/compose/engine/service-order.js';
import { singleFileTar } from '../../../../src/compose/engine/single-file-tar.js';
import { LogPrefixer, logName } from '../../../../src/cli/compose/log-prefixer.js';
import type { ComposeProject, ServiceConfig } from '../../../../src/compose/model/project.js';

function service(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, image: 'busybox', command: null, entrypoint: null, environment: {}, ports: [], volumes: [], networks: { default: {} }, depends_on: {}, scale: 1, labels: {}, ...extra };
}

function project(services: ServiceConfig[]): ComposeProject {
  return {
    name: 'p', workingDir: '/src/p', configFiles: ['/src/p/compose.yaml'], environment: { TOKEN: 's3cret' },
    services: Object.fromEntries(services.map((s) => [s.name, s])), networks: { default: { name: 'p_default' } },
    volumes: { data: { name: 'p_data' } }, secrets: { token: { name: 'p_token', environment: 'TOKEN' }, key: { name: 'p_key', file: '/src/p/key' } }, configs: {}, disabledServices: {},
  };
}

describe('compose engine parts', () => {
  it('names resources as compose v2 does', () => {
    assert.equal(containerName('app', 'web', 2), 'app-web-2');
    assert.match(oneoffContainerName('app', 'web'), /^app-web-run-[0-9a-f]{12}$/);
    assert.equal(scopedName('app', 'default'), 'app_default');
    assert.equal(dependenciesLabel({ db: { condition: 'service_healthy', restart: true }, mq: { condition: 'service_started' } }), 'db:service_healthy:true,mq:service_started:false');
  });

  it('hashes the configuration, not build, scale, depends_on, profiles or key order', () => {
    const a = service('web', { environment: { A: '1', B: '2' } });
    const b = service('web', { environment: { B: '2', A: '1' }, scale: 3, depends_on: { db: { condition: 'service_started', restart: false, required: true } }, profiles: ['x'], build: { context: '/x' } });
    assert.equal(serviceConfigHash({ ...a, scale: 1 }), serviceConfigHash({ ...b }));
    assert.notEqual(serviceConfigHash(a), serviceConfigHash(service('web', { environment: { A: '2', B: '2' } })));
    assert.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: null }] }), '{"a":[1,{"c":null}],"b":1}');
  });

  it('maps a service onto the create body with compose labels', () => {
    const web = service('web', {
      command: ['httpd', '-f'], environment: { A: '1', UNSET: null }, restart: 'on-failure:3', user: '100',
      ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }],
      volumes: [{ type: 'volume', source: 'data', target: '/www' }, { type: 'bind', source: '/src/p/conf', target: '/etc/conf', read_only: true }],
      networks: { default: { aliases: ['www'] } }, healthcheck: { test: ['CMD', 'true'], interval: 1e9, retries: 3 },
      secrets: [{ source: 'key' }, { source: 'token', target: 'tok' }], stop_grace_period: 5e9,
    });
    const body = containerCreateBody(project([web]), web, { number: 2 });
    assert.deepEqual(body.Cmd, ['httpd', '-f']);
    assert.deepEqual(body.Env, ['A=1']);
    assert.equal(body.Labels!['com.docker.compose.project'], 'p');
    assert.equal(body.Labels!['com.docker.compose.container-number'], '2');
    assert.equal(body.Labels!['com.docker.compose.oneoff'], 'False');
    assert.equal(body.Labels!['com.docker.compose.project.config_files'], '/src/p/compose.yaml');
    assert.equal(body.Labels!['com.docker.compose.config-hash'], serviceConfigHash(web));
    assert.deepEqual(body.HostConfig!.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    assert.deepEqual(body.HostConfig!.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.equal(body.HostConfig!.NetworkMode, 'p_default');
    assert.deepEqual(body.HostConfig!.Mounts!.map((m) => `${m.Type}:${m.Source}:${m.Target}`), ['volume:p_data:/www', 'bind:/src/p/conf:/etc/conf', 'bind:/src/p/key:/run/secrets/key']);
    assert.deepEqual(body.NetworkingConfig!.EndpointsConfig!['p_default']!.Aliases, ['web', 'www']);
    assert.deepEqual(body.Healthcheck, { Test: ['CMD', 'true'], Interval: 1e9, Retries: 3 });
    assert.equal(body.StopTimeout, 5);
    assert.deepEqual(restartPolicy(undefined), { Name: 'no' });
  });

  it('a run attached to stdin gets StdinOnce, as compose sets it, so output outlives the input', () => {
    const worker = service('worker', { stdin_open: true });
    const run = containerCreateBody(project([worker]), worker, { number: 1, overrides: { stdinOpen: true } });
    assert.deepEqual([run.OpenStdin, run.AttachStdin, run.StdinOnce, run.AttachStdout], [true, true, true, true]);
    const notAttached = containerCreateBody(project([worker]), worker, { number: 1, overrides: { stdinOpen: false } });
    assert.deepEqual([notAttached.OpenStdin, notAttached.AttachStdin, notAttached.StdinOnce], [false, false, false]);
    const up = containerCreateBody(project([worker]), worker, { number: 1 });
    assert.deepEqual([up.OpenStdin, up.AttachStdin, up.StdinOnce], [true, false, false]);
  });

  it('runs independent services in parallel and dependants after their dependencies', async () => {
    const services = Object.fromEntries([
      service('db'), service('cache'),
      service('api', { depends_on: { db: { condition: 'service_started', restart: false, required: true }, cache: { condition: 'service_started', restart: false, required: true } } }),
      service('web', { depends_on: { api: { condition: 'service_started', restart: false, required: true } } }),
    ].map((s) => [s.name, s]));
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await inDependencyOrder(services, Object.keys(services), async (s) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      log.push(s.name);
      inFlight--;
    });
    assert.equal(maxInFlight, 2);
    assert.deepEqual(log.slice(2), ['api', 'web']);
    const reversed: string[] = [];
    await inDependencyOrder(services, Object.keys(services), async (s) => void reversed.push(s.name), { reverse: true });
    assert.equal(reversed[0], 'web');
    assert.deepEqual(withDependencies(services, ['web']).sort(), ['api', 'cache', 'db', 'web']);
    assert.deepEqual(dependantsOf(services, 'db').sort(), ['api', 'web']);
    await assert.rejects(inDependencyOrder(services, ['db', 'api'], async (s) => { if (s.name === 'db') throw new Error('boom'); }), /boom/);
  });

  it('writes plain progress lines when not on a terminal', () => {
    const out = new PassThrough();
    const p = createProgressWriter(out);
    p.start('Running');
    p.event({ id: 'Container p-web-1', status: 'working', text: 'Creating' });
    p.event({ id: 'Container p-web-1', status: 'done', text: 'Created' });
    p.done();
    assert.equal(out.read().toString(), ' Container p-web-1 Creating \n Container p-web-1 Created \n');
  });

  it('prefixes log lines per container and holds partial lines', () => {
    let text = '';
    const prefixer = new LogPrefixer({ write: (s: string) => (text += s) }, 8, { colour: false, prefix: true });
    const sink = prefixer.sink(logName('p', 'p-web-1'));
    sink.write(Buffer.from('one\ntw'));
    sink.write(Buffer.from('o\n'));
    sink.write(Buffer.from('tail'));
    sink.end();
    assert.equal(text, 'web-1     | one\nweb-1     | two\nweb-1     | tail\n');
  });

  it('packs one file as a tar for the archive endpoint', () => {
    const tar = singleFileTar('tok', Buffer.from('s3cret'), 0o400, 0, 0);
    assert.equal(tar.length, 512 * 4);
    assert.equal(tar.subarray(0, 3).toString(), 'tok');
    assert.equal(tar.subarray(512, 518).toString(), 's3cret');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : tar[i]!;
    assert.equal(parseInt(tar.subarray(148, 155).toString(), 8), sum);
  });
});
