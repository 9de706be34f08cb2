// ~/.docker/config.json credentials (file entries and credential helpers), the X-Registry-Auth
// header, WWW-Authenticate parsing and docker's progress strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerCredentials, decodeRegistryAuth, encodeRegistryAuth, humanSize, progressBar, errorProgressMessage } from '../../../../src/registry/client/index.js';
import { parseWwwAuthenticate } from '../../../../src/registry/client/www-authenticate.js';
import { errorFromResponse } from '../../../../src/registry/client/registry-error.js';

test('config.json auths: read, write and erase as the docker CLI does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dockercfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') } }, psFormat: 'table {{.ID}}' }));
  const creds = new DockerCredentials(path);
  assert.deepEqual(await creds.get('docker.io'), { username: 'hub', password: 'pw', serveraddress: 'https://index.docker.io/v1/' });
  assert.deepEqual(await creds.get('https://index.docker.io/v1/'), { username: 'hub', password: 'pw', serveraddress: 'https://index.docker.io/v1/' });
  assert.equal(await creds.get('localhost:5000'), undefined);

  await creds.store({ serveraddress: 'localhost:5000', username: 'me', password: 'secret' });
  await creds.store({ serveraddress: 'https://tok.example:5000', username: 'me', password: 'x', identitytoken: 'refresh-1' });
  const file = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(file.psFormat, 'table {{.ID}}', 'other keys kept');
  assert.deepEqual(file.auths['localhost:5000'], { auth: Buffer.from('me:secret').toString('base64') });
  assert.deepEqual(file.auths['tok.example:5000'], { auth: Buffer.from('me:').toString('base64'), identitytoken: 'refresh-1' });
  assert.deepEqual(await creds.get('http://localhost:5000/'), { username: 'me', password: 'secret', serveraddress: 'localhost:5000' });
  assert.equal((await creds.get('tok.example:5000'))?.identitytoken, 'refresh-1');

  assert.equal(await creds.erase('localhost:5000'), true);
  assert.equal(await creds.get('localhost:5000'), undefined);
  assert.equal(await creds.erase('localhost:5000'), false);
});

test('credential helpers: credsStore and credHelpers speak get/store/erase', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-credhelper-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A helper that keeps secrets in a JSON file, speaking the docker-credential-* protocol.
  const db = join(dir, 'db.json');
  writeFileSync(db, '{}');
  const helper = join(dir, 'docker-credential-testhelper');
  writeFileSync(
    helper,
    `#!/usr/bin/env node
const fs = require('fs');
const db = JSON.parse(fs.readFileSync(${JSON.stringify(db)}, 'utf8'));
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const verb = process.argv[2];
  if (verb === 'get') {
    const e = db[input.trim()];
    if (!e) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    process.stdout.write(JSON.stringify({ ServerURL: input.trim(), Username: e.Username, Secret: e.Secret }));
  } else if (verb === 'store') {
    const c = JSON.parse(input);
    db[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
  } else if (verb === 'erase') {
    delete db[input.trim()];
  }
  fs.writeFileSync(${JSON.stringify(db)}, JSON.stringify(db));
});
`,
  );
  chmodSync(helper, 0o755);
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ credsStore: 'testhelper', credHelpers: { 'other.example': 'missinghelper' } }));
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  const creds = new DockerCredentials(path, env);
  assert.equal(await creds.get('localhost:5000'), undefined);
  await creds.store({ serveraddress: 'localhost:5000', username: 'u', password: 'p' });
  assert.deepEqual(JSON.parse(readFileSync(db, 'utf8')), { 'localhost:5000': { Username: 'u', Secret: 'p' } });
  assert.deepEqual(await creds.get('localhost:5000'), { serveraddress: 'localhost:5000', username: 'u', password: 'p' });
  await creds.store({ serveraddress: 'docker.io', username: 'u', identitytoken: 'tok' });
  assert.deepEqual(await creds.get('docker.io'), { serveraddress: 'https://index.docker.io/v1/', identitytoken: 'tok' });
  assert.ok(JSON.parse(readFileSync(path, 'utf8')).auths['localhost:5000'], 'empty entry recorded, like docker');
  await creds.erase('localhost:5000');
  assert.equal(await creds.get('localhost:5000'), undefined);
  await assert.rejects(creds.get('other.example'), /docker-credential-missinghelper.*not found/);
});

test('X-Registry-Auth: base64url JSON, padded or not, standard base64 too', () => {
  const auth = { username: 'me', password: 'p?>>?', serveraddress: 'localhost:5000' };
  const enc = encodeRegistryAuth(auth);
  assert.doesNotMatch(enc, /[+/=]/);
  assert.deepEqual(decodeRegistryAuth(enc), auth);
  assert.deepEqual(decodeRegistryAuth(Buffer.from(JSON.stringify(auth)).toString('base64')), auth);
  assert.deepEqual(decodeRegistryAuth(Buffer.from(JSON.stringify({ IdentityToken: 't', ServerAddress: 'h' })).toString('base64url')), { identitytoken: 't', serveraddress: 'h' });
  assert.deepEqual(decodeRegistryAuth(Buffer.from(JSON.stringify({ auth: Buffer.from('a:b').toString('base64') })).toString('base64url')), { auth: 'YTpi', username: 'a', password: 'b' });
  assert.equal(decodeRegistryAuth(undefined), undefined);
  assert.equal(decodeRegistryAuth(Buffer.from('{}').toString('base64url'))?.username, undefined);
  assert.throws(() => decodeRegistryAuth('!!!not-json'), { name: 'InvalidArgumentError' });
});

test('WWW-Authenticate challenges', () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate(['Basic realm="basic-realm"']), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="r",error="insufficient_scope", Basic realm=x'), [
    { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } },
    { scheme: 'basic', params: { realm: 'x' } },
  ]);
});

test('registry error bodies read as dockerd prints them', () => {
  assert.equal(errorFromResponse(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}').message, 'manifest unknown: manifest unknown');
  assert.equal(errorFromResponse(401, '{"details":"incorrect username or password"}').message, 'unauthorized: incorrect username or password');
  assert.equal(errorFromResponse(401, 'nope').message, 'unauthorized: authentication required');
  assert.equal(errorFromResponse(400, '{"errors":[{"code":"A","message":"x"},{"code":"DENIED","message":"y"}]}').message, 'errors:\nunknown: x\ndenied: y\n');
  assert.equal(errorFromResponse(502, '').message, 'received unexpected HTTP status: 502 Bad Gateway');
  assert.equal(errorFromResponse(400, '').message, 'error parsing HTTP 400 response body: unexpected end of JSON input: ""');
});

test("progress strings match docker's", () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1_234_567), '1.235MB');
  assert.equal(humanSize(3_400_000), '3.4MB');
  assert.equal(humanSize(527), '527B');
  assert.equal(progressBar(1_200_000, 3_400_000), `[=================>                                 ]    1.2MB/3.4MB`);
  assert.equal(progressBar(3_400_000, 3_400_000), `[==================================================>]    3.4MB/3.4MB`);
  assert.equal(progressBar(0, 0), '');
  assert.equal(progressBar(5000, 0), '     5kB');
  assert.deepEqual(errorProgressMessage(new Error('boom')), { errorDetail: { message: 'boom' }, error: 'boom' });
});
