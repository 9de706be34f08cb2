import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { errorCode, pushImage, sha256, startRegistry, tempDir } from './harness.js';

test('/metrics: request counts, bytes and a latency histogram in Prometheus text format', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  await pushImage(reg.url, 'app', 'v1');
  for (let i = 0; i < 3; i++) await (await fetch(`${reg.url}/v2/app/manifests/v1`)).arrayBuffer();
  await (await fetch(`${reg.url}/v2/app/manifests/nope`)).arrayBuffer();
  const res = await fetch(`${reg.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/plain/);
  const text = await res.text();
  assert.match(text, /^berth_registry_http_requests_total\{method="GET",endpoint="manifest",code="200"\} 3$/m);
  assert.match(text, /^berth_registry_http_requests_total\{method="GET",endpoint="manifest",code="404"\} 1$/m);
  assert.match(text, /^berth_registry_http_requests_total\{method="PUT",endpoint="manifest",code="201"\} 1$/m);
  assert.match(text, /^berth_registry_http_request_bytes_total\{endpoint="uploads"\} \d+$/m);
  assert.match(text, /^berth_registry_http_response_bytes_total\{endpoint="manifest"\} \d+$/m);
  assert.match(text, /^berth_registry_http_request_duration_seconds_bucket\{endpoint="manifest",le="\+Inf"\} 5$/m);
  assert.match(text, /^berth_registry_http_request_duration_seconds_count\{endpoint="manifest"\} 5$/m);
  // The access log has one JSON line per request.
  const lines = reg.log().trim().split('\n').map((l) => JSON.parse(l) as { method: string; status: number; uri: string });
  assert.ok(lines.some((l) => l.method === 'GET' && l.status === 404 && l.uri === '/v2/app/manifests/nope'));
});

test('size limits: oversized manifests and blobs are refused with 413 SIZE_INVALID', async (t) => {
  const reg = await startRegistry(t, tempDir(t), ['--max-manifest-size', '1k', '--max-blob-size', '64k']);
  const big = Buffer.from(JSON.stringify({ schemaVersion: 2, annotations: { pad: 'x'.repeat(2000) } }));
  const m = await fetch(`${reg.url}/v2/app/manifests/v1`, { method: 'PUT', body: big, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(m.status, 413);
  assert.equal(await errorCode(m), 'SIZE_INVALID');
  const data = randomBytes(100_000);
  const b = await fetch(`${reg.url}/v2/app/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: data }).catch(() => undefined);
  if (b) {
    assert.equal(b.status, 413);
    await b.arrayBuffer().catch(() => undefined);
  }
  assert.equal((await fetch(`${reg.url}/v2/app/blobs/${sha256(data)}`, { method: 'HEAD' })).status, 404);
  // Under the limits all is well.
  await pushImage(reg.url, 'app', 'v1');
});

test('unknown endpoints and methods answer in the spec error form', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const res = await fetch(`${reg.url}/v2/app/nothing`);
  assert.equal(res.status, 404);
  assert.equal(await errorCode(res), 'UNSUPPORTED');
  const method = await fetch(`${reg.url}/v2/app/tags/list`, { method: 'POST' });
  assert.equal(method.status, 405);
  assert.equal(await errorCode(method), 'UNSUPPORTED');
});
