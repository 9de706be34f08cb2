// Remote access with mutual TLS, checked with the real docker CLI: certificates from openssl, a
// client with the right ones gets in (--tlsverify flags and DOCKER_CERT_PATH), one with a client
// certificate of another CA or none is refused, and one that trusts another CA refuses the server.
// berthd itself refuses a non-loopback TCP address without --tlsverify.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTHD, TestDaemon } from '../../support/test-daemon.js';
import { makeTestCerts, type TestCerts } from '../../support/tls-certs.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A DOCKER_CERT_PATH folder: ca.pem, cert.pem, key.pem. */
function certPath(dir: string, ca: string, cert?: string, key?: string): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(ca, join(dir, 'ca.pem'));
  if (cert && key) {
    copyFileSync(cert, join(dir, 'cert.pem'));
    copyFileSync(key, join(dir, 'key.pem'));
  }
  return dir;
}

describe('remote API over mutual TLS', () => {
  const work = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  let certs: TestCerts;
  let other: TestCerts;
  let daemon: TestDaemon;
  let host: string;

  before(async () => {
    mkdirSync(join(work, 'good'));
    mkdirSync(join(work, 'other'));
    certs = makeTestCerts(join(work, 'good'));
    other = makeTestCerts(join(work, 'other'));
    host = `tcp://127.0.0.1:${await freePort()}`;
    daemon = await new TestDaemon(['-H', host, '--tlsverify', '--tlscacert', certs.caCert, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey]).start();
  });
  after(async () => {
    await daemon?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const docker = (args: string[], env: NodeJS.ProcessEnv = {}) => daemon.docker(args, { env: { DOCKER_HOST: host, ...env }, timeoutMs: 20_000 });

  test('the right client certificate gets in: flags, and DOCKER_TLS_VERIFY + DOCKER_CERT_PATH', async () => {
    const byFlags = await docker(['--tlsverify', '--tlscacert', certs.caCert, '--tlscert', certs.clientCert, '--tlskey', certs.clientKey, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(byFlags.code, 0, byFlags.stderr);
    assert.match(byFlags.stdout, /^1\.\d+/);
    const byEnv = await docker(['info', '--format', '{{.ID}}'], { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath(join(work, 'env-good'), certs.caCert, certs.clientCert, certs.clientKey) });
    assert.equal(byEnv.code, 0, byEnv.stderr);
  });

  test('a client certificate from another CA is refused', async () => {
    const r = await docker(['version', '--format', '{{.Server.APIVersion}}'], { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath(join(work, 'env-other-client'), certs.caCert, other.clientCert, other.clientKey) });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /^1\.\d+/);
  });

  test('a client without a certificate is refused', async () => {
    const r = await docker(['--tls', '--tlscacert', certs.caCert, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /^1\.\d+/);
    const plain = await docker(['version', '--format', '{{.Server.APIVersion}}']); // no TLS at all
    assert.notEqual(plain.code, 0);
  });

  test('a client that trusts another CA refuses the server', async () => {
    const r = await docker(['version', '--format', '{{.Server.APIVersion}}'], { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath(join(work, 'env-other-ca'), other.caCert, certs.clientCert, certs.clientKey) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate|x509|tls/i);
  });

  test('the daemon still serves after the refusals', async () => {
    assert.ok(await daemon.ping());
  });
});

test('berthd refuses -H tcp://0.0.0.0 without --tlsverify, saying why and how', () => {
  const r = spawnSync(process.execPath, [BERTHD, '-H', 'tcp://0.0.0.0:2375', '--data-root', '/nonexistent/berth', '--exec-root', '/nonexistent/berth-run'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to listen on tcp:\/\/0\.0\.0\.0:2375 without --tlsverify: anyone who can reach it gets root/);
  assert.match(r.stderr, /--tlscacert, --tlscert and --tlskey/);
});
