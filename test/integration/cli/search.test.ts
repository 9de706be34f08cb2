// `berth search` and `docker search` against berthd find repositories pushed to `berth registry
// serve` (its /v1/search), with --limit, --filter, --format, --no-trunc and registry credentials.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { pushBlob, startRegistry, type RegistryProcess } from '../registry/server/harness.js';

const LONG = 'A tiny application image used to check that search prints the same table';

/** Pushes a one-layer image whose config carries a description label. */
async function pushDescribed(url: string, repo: string, description: string, headers: Record<string, string> = {}): Promise<void> {
  const configBytes = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] },
    config: { Labels: { 'org.opencontainers.image.description': description } },
  }));
  const layerBytes = Buffer.from(`layer-${repo}`);
  const config = await pushBlob(url, repo, configBytes, headers);
  const layer = await pushBlob(url, repo, layerBytes, headers);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes.length }],
  });
  const res = await fetch(`${url}/v2/${repo}/manifests/latest`, { method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', ...headers } });
  assert.equal(res.status, 201, await res.text());
}

describe('search a registry served by berth registry serve', () => {
  let d: TestDaemon;
  let reg: RegistryProcess;
  let host: string;
  const afters: Array<() => Promise<void> | void> = [];
  const t = { after: (fn: () => Promise<void> | void) => void afters.push(fn) };
  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-search-'));
    afters.push(() => rmSync(root, { recursive: true, force: true }));
    reg = await startRegistry(t, root);
    host = new URL(reg.url).host;
    await pushDescribed(reg.url, 'app', LONG);
    await pushDescribed(reg.url, 'team/app-worker', 'worker\nwith two lines');
    await pushDescribed(reg.url, 'other', 'not matched');
    d = await startTestDaemon({ busybox: false });
  });
  after(async () => {
    await d?.stop();
    for (const fn of afters.reverse()) await fn();
  });

  it('the registry answers docker\'s /v1/search', async () => {
    const body = (await (await fetch(`${reg.url}/v1/search?q=app&n=10`)).json()) as { num_results: number; query: string; results: unknown[] };
    assert.equal(body.query, 'app');
    assert.equal(body.num_results, 2);
    assert.deepEqual(body.results[0], { name: 'app', description: LONG, star_count: 0, is_official: false, is_automated: false });
  });

  it('berth search prints what docker search prints', async () => {
    const cases = [
      [`${host}/app`],
      [`${host}/app`, '--no-trunc'],
      [`${host}/app`, '--limit', '1'],
      [`${host}/app`, '--format', '{{.Name}}|{{.Description}}|{{.StarCount}}|{{.IsOfficial}}'],
      [`${host}/app`, '--format', 'json'],
      [`${host}/app`, '--filter', 'stars=1'],
      [`${host}/app`, '--filter', 'is-official=false'],
      [`${host}/app`, '--filter', 'bogus=1'],
      [`${host}/app`, '--limit', '101'],
      [`${host}/nothing`],
    ];
    for (const args of cases) {
      const b = await d.berth(['search', ...args]);
      const k = await d.docker(['search', ...args]);
      assert.deepEqual(b, { ...k, stdout: k.stdout.replace(/docker/g, 'berth'), stderr: k.stderr.replace(/docker/g, 'berth') }, `search ${args.join(' ')}`);
    }
    const b = await d.berth(['search', `${host}/app`]);
    assert.equal(b.stdout, [
      'NAME              DESCRIPTION                                     STARS     OFFICIAL',
      'app               A tiny application image used to check that …   0         ',
      'team/app-worker   worker with two lines                           0         ',
      '',
    ].join('\n'));
  });

  it('honours the registry\'s htpasswd auth with the credentials of berth login', async (tc) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-search-auth-'));
    tc.after(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), 'bob', 'pw']);
    const locked = await startRegistry(tc, join(dir, 'root'), ['--htpasswd', join(dir, 'htpasswd'), '--auth-realm', 'r']);
    const basic = { Authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}` };
    await pushDescribed(locked.url, 'secret-app', 'behind a password', basic);
    const lhost = new URL(locked.url).host;
    const env = { DOCKER_CONFIG: join(dir, 'cfg') };
    const denied = await d.berth(['search', `${lhost}/secret`], { env });
    assert.notEqual(denied.code, 0);
    const login = await d.berth(['login', '-u', 'bob', '--password-stdin', lhost], { env, input: 'pw\n' });
    assert.equal(login.code, 0, login.stderr);
    const ok = await d.berth(['search', '--format', '{{.Name}}: {{.Description}}', `${lhost}/secret`], { env });
    assert.deepEqual(ok, { code: 0, stdout: 'secret-app: behind a password\n', stderr: '' });
  });
});
