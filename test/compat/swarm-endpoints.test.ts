// Swarm-mode and plugin endpoints on a node that is in no swarm and has no plugins: docker's 503
// "not a swarm manager", its answers to leave, init and join checks, an empty plugin list.
// Never sends a valid init or join: that would make a swarm of the daemon under test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget, messageOf } from './harness.js';
import { runProcess } from '../support/test-daemon.js';

const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('swarm-mode endpoints outside a swarm', () => {
  const managerOnly: Array<[string, string, unknown?]> = [
    ['GET', '/swarm'],
    ['POST', '/swarm/update?version=1', {}],
    ['GET', '/swarm/unlockkey'],
    ['POST', '/swarm/unlock', {}],
    ['GET', '/nodes'],
    ['GET', '/nodes/none'],
    ['DELETE', '/nodes/none'],
    ['POST', '/nodes/none/update?version=1', {}],
    ['GET', '/services'],
    ['POST', '/services/create', {}],
    ['GET', '/services/none'],
    ['DELETE', '/services/none'],
    ['POST', '/services/none/update?version=1', {}],
    ['GET', '/services/none/logs?stdout=1'],
    ['GET', '/tasks'],
    ['GET', '/tasks/none'],
    ['GET', '/tasks/none/logs?stdout=1'],
    ['GET', '/secrets'],
    ['POST', '/secrets/create', {}],
    ['GET', '/secrets/none'],
    ['DELETE', '/secrets/none'],
    ['POST', '/secrets/none/update?version=1', {}],
    ['GET', '/configs'],
    ['POST', '/configs/create', {}],
    ['GET', '/configs/none'],
    ['DELETE', '/configs/none'],
    ['POST', '/configs/none/update?version=1', {}],
  ];
  for (const [method, path, body] of managerOnly) {
    it(`${method} ${path} answers 503, not a swarm manager`, async () => {
      const [p, qs] = path.split('?');
      const r = await t.api(method, p!, { query: Object.fromEntries(new URLSearchParams(qs ?? '')), ...(body !== undefined ? { body } : {}) });
      assert.equal(r.status, 503, r.text);
      assert.equal(messageOf(r), NOT_A_MANAGER);
    });
  }

  it('POST /swarm/leave answers 503, not part of a swarm (with force too)', async () => {
    for (const query of [{}, { force: '1' }]) {
      const r = await t.api('POST', '/swarm/leave', { query });
      assert.equal(r.status, 503, r.text);
      assert.equal(messageOf(r), 'This node is not part of a swarm');
    }
  });

  it('init and join without a listen address are refused before anything else', async () => {
    for (const path of ['/swarm/init', '/swarm/join']) {
      const r = await t.api('POST', path, { body: {} });
      assert.equal(r.status, 400, r.text);
      assert.equal(messageOf(r), 'invalid ListenAddr "": invalid empty address');
    }
  });

  it('updates need a version', async () => {
    const r = await t.api('POST', '/swarm/update', { body: {} });
    assert.equal(r.status, 400, r.text);
    assert.match(messageOf(r), /^invalid swarm version ''/);
    const s = await t.api('POST', '/secrets/none/update', { body: {} });
    assert.equal(s.status, 400, s.text);
    assert.equal(messageOf(s), 'invalid secret version');
  });

  it('GET /info reports an inactive swarm', async () => {
    const info = (await t.ok('GET', '/info')).body as { Swarm: Record<string, unknown> };
    assert.deepEqual(info.Swarm, { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null });
  });

  it('docker swarm leave and docker node ls fail with docker\'s messages (CLI)', async () => {
    const leave = await t.docker(['swarm', 'leave', '--force']);
    assert.notEqual(leave.code, 0);
    assert.match(leave.stderr, /This node is not part of a swarm/);
    const nodes = await t.docker(['node', 'ls']);
    assert.notEqual(nodes.code, 0);
    assert.match(nodes.stderr, /This node is not a swarm manager/);
  });

  it('docker-py: swarm.leave(force=True) is fine outside a swarm', async () => {
    const script = 'import docker; print(docker.from_env(version="auto").swarm.leave(force=True))';
    const r = await runProcess('/usr/bin/python3', ['-c', script], { env: { ...process.env, DOCKER_HOST: t.host } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'True');
  });
});

describe('plugins, none installed', () => {
  it('GET /plugins lists none; filters are checked', async () => {
    const r = await t.ok('GET', '/plugins', { filters: { enabled: ['true'], capability: ['volumedriver'] } });
    assert.deepEqual(r.body, []);
    const bad = await t.api('GET', '/plugins', { filters: { nope: ['x'] } });
    assert.equal(bad.status, 400, bad.text);
    assert.match(messageOf(bad), /^invalid filter 'nope'$/i);
  });

  it('a named plugin is not found', async () => {
    const name = `${t.run}-noplugin`;
    for (const [method, path] of [['GET', `/plugins/${name}/json`], ['DELETE', `/plugins/${name}`], ['POST', `/plugins/${name}/enable?timeout=0`], ['POST', `/plugins/${name}/disable`], ['POST', `/plugins/${name}/push`]] as const) {
      const [p, qs] = path.split('?');
      const r = await t.api(method, p!, { query: Object.fromEntries(new URLSearchParams(qs ?? '')) });
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
      assert.equal(messageOf(r), `plugin "${name}" not found`);
    }
  });

  it('docker plugin ls shows no plugin (CLI)', async () => {
    const r = await t.docker(['plugin', 'ls', '--format', '{{.Name}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '');
  });
});

describe('POST /session', () => {
  it('wants an h2c upgrade', async () => {
    const r = await t.api('POST', '/session');
    assert.equal(r.status, 400, r.text);
    assert.equal(messageOf(r), 'no upgrade proto in request');
  });
});
