// Basic auth (htpasswd), bearer tokens from a tiny token issuer (ES256 JWT, cert made by openssl),
// and TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorCode, pushImage, startRegistry, tempDir } from './harness.js';

const run = promisify(execFile);

async function selfSigned(dir: string, name: string, extra: string[] = []): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, ...extra]);
  return { cert, key };
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function jwt(keyPem: string, claims: Record<string, unknown>): string {
  const head = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(head), { key: createPrivateKey(keyPem), dsaEncoding: 'ieee-p1363' });
  return `${head}.${sig.toString('base64url')}`;
}

/** A token issuer: alice/secret gets what she asks for under `alice/`, plus pull on `public/`. */
async function startIssuer(t: { after: (fn: () => Promise<void>) => void }, keyPem: string): Promise<string> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const auth = req.headers.authorization ?? '';
    const user = auth === 'Basic ' + Buffer.from('alice:secret').toString('base64') ? 'alice' : '';
    const access = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).map((s) => {
      const [type, name, actions] = s.split(':') as [string, string, string];
      const want = actions.split(',');
      const ok = (user === 'alice' && name.startsWith('alice/')) ? want : name.startsWith('public/') ? want.filter((a) => a === 'pull') : [];
      return { type, name, actions: ok };
    });
    const now = Math.floor(Date.now() / 1000);
    const token = jwt(keyPem, { iss: 'test-issuer', sub: user, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 1, iat: now, access });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
}

test('htpasswd: 401 with a Basic challenge without or with wrong credentials, 200 with good ones', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'htpasswd');
  await run('htpasswd', ['-Bbc', file, 'bob', 'pw']);
  const reg = await startRegistry(t, tempDir(t), ['--htpasswd', file, '--auth-realm', 'test-realm']);
  const none = await fetch(`${reg.url}/v2/`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Basic realm="test-realm"');
  assert.equal(await errorCode(none), 'UNAUTHORIZED');
  const bad = await fetch(`${reg.url}/v2/`, { headers: { Authorization: 'Basic ' + Buffer.from('bob:nope').toString('base64') } });
  assert.equal(bad.status, 401);
  await bad.arrayBuffer();
  const good = { Authorization: 'Basic ' + Buffer.from('bob:pw').toString('base64') };
  assert.equal((await fetch(`${reg.url}/v2/`, { headers: good })).status, 200);
  await pushImage(reg.url, 'app', 'v1', 'x', good);
  const m = await fetch(`${reg.url}/v2/app/manifests/v1`, { headers: good });
  assert.equal(m.status, 200);
  await m.arrayBuffer();
});

test('bearer tokens: challenge names realm/service/scope; scopes are enforced per repository', async (t) => {
  const dir = tempDir(t);
  const issuerKey = await selfSigned(dir, 'issuer');
  const otherKey = await selfSigned(dir, 'forger');
  const realm = await startIssuer(t, readFileSync(issuerKey.key, 'utf8'));
  const reg = await startRegistry(t, tempDir(t), ['--token-realm', realm, '--token-service', 'berth-test', '--token-issuer', 'test-issuer', '--token-rootcertbundle', issuerKey.cert]);

  const challenge = await fetch(`${reg.url}/v2/alice/app/manifests/v1`);
  assert.equal(challenge.status, 401);
  assert.equal(challenge.headers.get('www-authenticate'), `Bearer realm="${realm}",service="berth-test",scope="repository:alice/app:pull"`);
  await challenge.arrayBuffer();

  const token = async (scope: string, creds = true) => {
    const res = await fetch(`${realm}?service=berth-test&scope=${encodeURIComponent(scope)}`, {
      headers: creds ? { Authorization: 'Basic ' + Buffer.from('alice:secret').toString('base64') } : {},
    });
    return ((await res.json()) as { token: string }).token;
  };
  const push = { Authorization: `Bearer ${await token('repository:alice/app:pull,push')}` };
  await pushImage(reg.url, 'alice/app', 'v1', 'x', push);
  const pulled = await fetch(`${reg.url}/v2/alice/app/manifests/v1`, { headers: push });
  assert.equal(pulled.status, 200);
  await pulled.arrayBuffer();

  // A pull-only token cannot push, and the challenge says why.
  const pullOnly = { Authorization: `Bearer ${await token('repository:public/app:pull,push', false)}` };
  const refused = await fetch(`${reg.url}/v2/public/app/blobs/uploads/`, { method: 'POST', headers: pullOnly });
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get('www-authenticate')!, /error="insufficient_scope"/);
  assert.match(refused.headers.get('www-authenticate')!, /scope="repository:public\/app:pull,push"/);
  await refused.arrayBuffer();
  // A token for one repository does not open another.
  const other = await fetch(`${reg.url}/v2/alice/other/tags/list`, { headers: pullOnly });
  assert.equal(other.status, 401);
  await other.arrayBuffer();
  // Forged (signed by an untrusted key), expired, or for another audience: all refused.
  const now = Math.floor(Date.now() / 1000);
  const access = [{ type: 'repository', name: 'alice/app', actions: ['pull'] }];
  for (const bad of [
    jwt(readFileSync(otherKey.key, 'utf8'), { iss: 'test-issuer', aud: 'berth-test', exp: now + 60, access }),
    jwt(readFileSync(issuerKey.key, 'utf8'), { iss: 'test-issuer', aud: 'berth-test', exp: now - 3600, access }),
    jwt(readFileSync(issuerKey.key, 'utf8'), { iss: 'test-issuer', aud: 'elsewhere', exp: now + 60, access }),
    jwt(readFileSync(issuerKey.key, 'utf8'), { iss: 'someone', aud: 'berth-test', exp: now + 60, access }),
    'not.a.token',
  ]) {
    const res = await fetch(`${reg.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: `Bearer ${bad}` } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/);
    await res.arrayBuffer();
  }
  // The catalog needs registry:catalog:*.
  const cat = await fetch(`${reg.url}/v2/_catalog`, { headers: push });
  assert.equal(cat.status, 401);
  assert.match(cat.headers.get('www-authenticate')!, /scope="registry:catalog:\*"/);
  await cat.arrayBuffer();
});

test('skopeo follows the bearer-token flow of the registry', async (t) => {
  const dir = tempDir(t);
  const issuerKey = await selfSigned(dir, 'issuer');
  const realm = await startIssuer(t, readFileSync(issuerKey.key, 'utf8'));
  const reg = await startRegistry(t, tempDir(t), ['--token-realm', realm, '--token-service', 'berth-test', '--token-issuer', 'test-issuer', '--token-rootcertbundle', issuerKey.cert]);
  const { writeOciLayout } = await import('./oci-layout.js');
  const src = await writeOciLayout(join(dir, 'src'), 'v1', { 'f.txt': 'token flow\n' });
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const host = reg.url.replace('http://', '');
  await run('skopeo', ['--policy', policy, 'copy', '--dest-tls-verify=false', '--dest-creds', 'alice:secret', `oci:${src.dir}:v1`, `docker://${host}/alice/app:v1`]);
  await assert.rejects(run('skopeo', ['--policy', policy, 'copy', '--dest-tls-verify=false', `oci:${src.dir}:v1`, `docker://${host}/bob/app:v1`]));
});

test('TLS: serves HTTPS with the configured certificate', async (t) => {
  const dir = tempDir(t);
  const { cert, key } = await selfSigned(dir, 'localhost', ['-addext', 'subjectAltName=IP:127.0.0.1']);
  const reg = await startRegistry(t, tempDir(t), ['--tls-cert', cert, '--tls-key', key]);
  assert.match(reg.url, /^https:\/\//);
  const status = await new Promise<number>((resolve, reject) => {
    httpsGet(`${reg.url}/v2/`, { ca: readFileSync(cert) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
  assert.equal(status, 200);
});
