import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../../../../src/client/api-client.js';
import { parseHost } from '../../../../src/client/host.js';
import { withApiSocket } from '../../../../src/cli/actions/api-socket.js';

describe('--use-api-socket', () => {
  it("bind-mounts the daemon's unix socket where clients look and points DOCKER_CONFIG at the copied credentials", () => {
    const client = new ApiClient(parseHost('unix:///run/some/berth.sock', false));
    const body = withApiSocket(client, { Image: 'busybox', Env: ['A=1'], HostConfig: { Mounts: [{ Type: 'tmpfs', Target: '/t' }] } });
    assert.deepEqual(body.Env, ['A=1', 'DOCKER_CONFIG=/run/secrets/docker']);
    assert.deepEqual(body.HostConfig?.Mounts, [{ Type: 'tmpfs', Target: '/t' }, { Type: 'bind', Source: '/run/some/berth.sock', Target: '/var/run/docker.sock', BindOptions: {} }]);
  });

  it("keeps the caller's DOCKER_CONFIG", () => {
    const client = new ApiClient(parseHost('unix:///run/berth.sock', false));
    assert.deepEqual(withApiSocket(client, { Image: 'busybox', Env: ['DOCKER_CONFIG=/cfg'] }).Env, ['DOCKER_CONFIG=/cfg']);
  });

  it('refuses a tcp endpoint, as docker does', () => {
    const client = new ApiClient(parseHost('tcp://127.0.0.1:2375', false));
    assert.throws(() => withApiSocket(client, { Image: 'busybox' }), /can only be used with unix sockets: docker endpoint tcp:\/\/127.0.0.1:2375 incompatible/);
  });
});
