// berthd refuses to serve the API where it would be root for anyone: TCP beyond loopback without
// mutual TLS, and TLS settings that would fall short without saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkListenPolicy } from '../../../src/daemon/listen-policy.js';
import { parseDaemonArgs } from '../../../src/daemon/daemon-config.js';

const FULL = { tls: true, verify: true, cert: 'c', key: 'k', ca: 'a' };
const NONE = { tls: false, verify: false };

test('loopback and unix sockets need no TLS', () => {
  for (const h of ['unix:///run/b.sock', 'tcp://127.0.0.1:2375', 'tcp://127.8.0.1:1', 'tcp://localhost:2375', 'tcp://[::1]:2375', 'tcp://:2375', '127.0.0.1:2375']) {
    assert.doesNotThrow(() => checkListenPolicy([h], NONE), h);
  }
});

test('any other TCP address without --tlsverify is refused, saying why and how', () => {
  for (const h of ['tcp://0.0.0.0:2375', 'tcp://[::]:2375', 'tcp://10.1.2.3:2375', 'tcp://example.com:2375', '0.0.0.0:2376']) {
    assert.throws(() => checkListenPolicy([h], NONE), { name: 'InvalidArgumentError', message: /without --tlsverify: anyone who can reach it gets root.*--tlscacert.*DOCKER_CERT_PATH/ }, h);
    // --tls alone (server-side TLS, any client) is not enough either.
    assert.throws(() => checkListenPolicy([h], { ...FULL, verify: false }), /without --tlsverify/, h);
    assert.doesNotThrow(() => checkListenPolicy([h], FULL), h);
  }
});

test('TLS settings that would silently fall short are refused', () => {
  assert.throws(() => checkListenPolicy(['tcp://127.0.0.1:1'], { tls: true, verify: false }), /need --tlscert and --tlskey/);
  assert.throws(() => checkListenPolicy(['tcp://0.0.0.0:1'], { ...FULL, ca: undefined } as never), /--tlsverify needs --tlscacert/);
});

test('parseDaemonArgs applies the policy', () => {
  assert.throws(() => parseDaemonArgs(['-H', 'tcp://0.0.0.0:2375', '--config-file', '/nonexistent/daemon.json'], {}), /refusing to listen on tcp:\/\/0.0.0.0:2375/);
  assert.deepEqual(parseDaemonArgs(['-H', 'tcp://127.0.0.1:2375', '--config-file', '/nonexistent/daemon.json'], {}).hosts, ['tcp://127.0.0.1:2375']);
});
