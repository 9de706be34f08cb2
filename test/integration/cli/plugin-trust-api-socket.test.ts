// `berth plugin` and `berth trust` answer as docker's CLI does against a dockerd with no plugins and
// no Notary; `run --use-api-socket` gives the container the daemon's socket and DOCKER_CONFIG.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('plugin, trust and --use-api-socket', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it("plugin ls prints docker's empty table; the others carry the daemon's answer", async () => {
    for (const cli of ['berth', 'docker'] as const) {
      const ls = await d[cli](['plugin', 'ls']);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /^ID\s+NAME\s+DESCRIPTION\s+ENABLED\n$/);
    }
    const rm = await d.berth(['plugin', 'rm', 'nope']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /Error response from daemon: plugin "nope" not found/);
    const enable = await d.berth(['plugin', 'enable', 'nope']);
    assert.notEqual(enable.code, 0);
    assert.match(enable.stderr, /plugin "nope" not found/);
    const install = await d.berth(['plugin', 'install', '--grant-all-permissions', 'vieux/sshfs']);
    assert.notEqual(install.code, 0);
    assert.match(install.stderr, /plugins are not supported by berth/);
  });

  it('trust commands say that content trust is not supported', async () => {
    const r = await d.berth(['trust', 'inspect', 'busybox']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Docker Content Trust is not supported by berth/);
  });

  it("run --use-api-socket: the daemon's socket at /var/run/docker.sock, credentials under DOCKER_CONFIG", async () => {
    const r = await d.berth(['run', '--rm', '--use-api-socket', 'busybox', 'sh', '-c',
      'echo "$DOCKER_CONFIG"; cat /run/secrets/docker/config.json; test -S /var/run/docker.sock && echo socket-bound']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '/run/secrets/docker');
    assert.match(r.stdout, /"auths"/);
    assert.match(r.stdout, /^socket-bound$/m);
  });
});
