// Pull-through cache: a berth registry in front of another (the upstream needs credentials).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pushImage, startRegistry, tempDir } from './harness.js';

const run = promisify(execFile);

test('pull-through cache: misses fetched from upstreams by prefix, stored, then served without them', async (t) => {
  const dir = tempDir(t);
  await run('htpasswd', ['-Bbc', join(dir, 'htpasswd'), 'up', 'pw']);
  const upstream = await startRegistry(t, tempDir(t), ['--htpasswd', join(dir, 'htpasswd')]);
  const creds = { Authorization: 'Basic ' + Buffer.from('up:pw').toString('base64') };
  const img = await pushImage(upstream.url, 'library/app', 'v1', 'up', creds);
  const other = await startRegistry(t, tempDir(t));
  const otherImg = await pushImage(other.url, 'tools/x', 'latest', 'other');

  const config = join(dir, 'registry.yaml');
  writeFileSync(config, [
    'proxy:',
    `  - prefix: hub/`,
    `    url: ${upstream.url}`,
    '    username: up',
    '    password: pw',
    '    tagTtl: 1h',
  ].join('\n'));
  const cacheRoot = tempDir(t);
  const cache = await startRegistry(t, cacheRoot, ['--config', config, '--proxy', `mirror/=${other.url}`]);

  const m = await fetch(`${cache.url}/v2/hub/library/app/manifests/v1`);
  assert.equal(m.status, 200);
  assert.equal(m.headers.get('docker-content-digest'), img.digest);
  assert.deepEqual(Buffer.from(await m.arrayBuffer()), img.manifest);
  const layer = await fetch(`${cache.url}/v2/hub/library/app/blobs/${img.layer}`);
  assert.equal(layer.status, 200);
  assert.equal(await layer.text(), 'layer-up');
  const o = await fetch(`${cache.url}/v2/mirror/tools/x/manifests/latest`);
  assert.equal(o.headers.get('docker-content-digest'), otherImg.digest);
  await o.arrayBuffer();
  // Names outside every prefix are not proxied.
  assert.equal((await fetch(`${cache.url}/v2/library/app/manifests/v1`)).status, 404);
  assert.equal((await fetch(`${cache.url}/v2/hub/library/none/manifests/v1`)).status, 404);

  // With the upstreams gone, what was fetched is still served.
  await upstream.stop();
  await other.stop();
  const again = await fetch(`${cache.url}/v2/hub/library/app/manifests/v1`);
  assert.equal(again.status, 200);
  await again.arrayBuffer();
  const byDigest = await fetch(`${cache.url}/v2/hub/library/app/manifests/${img.digest}`);
  assert.equal(byDigest.status, 200);
  await byDigest.arrayBuffer();
  assert.equal(await (await fetch(`${cache.url}/v2/hub/library/app/blobs/${img.layer}`)).text(), 'layer-up');
  assert.deepEqual(await (await fetch(`${cache.url}/v2/hub/library/app/tags/list`)).json(), { name: 'hub/library/app', tags: ['v1'] });
});
