// kill -9 during a large upload: after a restart nothing half-written is visible, what was pushed
// before is intact, the upload resumes from what the server holds, and leftovers get purged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { MAIN, pushImage, startRegistry, tempDir } from './harness.js';

const run = promisify(execFile);
const CHUNK = randomBytes(1 << 20);
const TOTAL_CHUNKS = 64;

function fullDigest(): string {
  const h = createHash('sha256');
  for (let i = 0; i < TOTAL_CHUNKS; i++) h.update(CHUNK);
  return 'sha256:' + h.digest('hex');
}

/** Streams the 64 MiB body into a PATCH until the connection dies (the server is killed). */
function streamPatch(url: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream' } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    let i = 0;
    const pump = () => {
      while (i < TOTAL_CHUNKS) {
        i++;
        if (!req.write(CHUNK)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function ingestBytes(root: string): number {
  return readdirSync(join(root, 'ingest')).reduce((n, f) => n + statSync(join(root, 'ingest', f)).size, 0);
}

async function killMidUpload(reg: { url: string; kill9(): Promise<void> }, root: string): Promise<string> {
  const post = await fetch(`${reg.url}/v2/big/app/blobs/uploads/`, { method: 'POST' });
  const loc = post.headers.get('location')!;
  const done = streamPatch(reg.url, loc);
  while (ingestBytes(root) < 8 << 20) await sleep(10);
  await reg.kill9();
  await done;
  return loc;
}

test('kill -9 mid-upload: consistent after restart, upload resumes, leftovers purged', async (t) => {
  const root = tempDir(t);
  const first = await startRegistry(t, root);
  const before = await pushImage(first.url, 'big/app', 'before');
  const loc = await killMidUpload(first, root);
  const digest = fullDigest();

  const second = await startRegistry(t, root);
  // Nothing half-written is visible.
  assert.equal((await fetch(`${second.url}/v2/big/app/blobs/${digest}`, { method: 'HEAD' })).status, 404);
  const files = readdirSync(join(root, 'blobs', 'sha256')).map((f) => 'sha256:' + f).sort();
  assert.deepEqual(files, [before.config, before.layer, before.digest].sort());
  // What was pushed before is intact.
  const m = await fetch(`${second.url}/v2/big/app/manifests/before`);
  assert.equal(m.status, 200);
  assert.deepEqual(Buffer.from(await m.arrayBuffer()), before.manifest);
  assert.deepEqual(await (await fetch(`${second.url}/v2/big/app/tags/list`)).json(), { name: 'big/app', tags: ['before'] });

  // The session survived: resume from the offset the server reports.
  const status = await fetch(second.url + loc);
  assert.equal(status.status, 204);
  const have = Number(/^0-(\d+)$/.exec(status.headers.get('range')!)![1]) + 1;
  assert.ok(have >= 8 << 20 && have < TOTAL_CHUNKS << 20, `resume offset ${have}`);
  const whole = Buffer.concat(new Array<Buffer>(TOTAL_CHUNKS).fill(CHUNK));
  const rest = whole.subarray(have);
  const patch = await fetch(second.url + loc, { method: 'PATCH', body: rest, headers: { 'Content-Range': `${have}-${whole.length - 1}` } });
  assert.equal(patch.status, 202);
  const put = await fetch(`${second.url}${patch.headers.get('location')}?digest=${digest}`, { method: 'PUT' });
  assert.equal(put.status, 201);
  const head = await fetch(`${second.url}/v2/big/app/blobs/${digest}`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(whole.length));

  // A second crash, then the leftovers of abandoned uploads are purged.
  await killMidUpload(second, root);
  const third = await startRegistry(t, root);
  assert.ok(ingestBytes(root) > 0);
  const gc = await run(process.execPath, [MAIN, 'gc', '--root', root, '--upload-max-idle', '0s']);
  assert.match(gc.stdout, /1 idle uploads/);
  assert.equal(readdirSync(join(root, 'ingest')).length, 0);
  // And a fresh push still works.
  const again = await pushImage(third.url, 'big/app', 'after', 'y');
  const res = await fetch(`${third.url}/v2/big/app/manifests/${again.digest}`, { method: 'HEAD' });
  assert.equal(res.status, 200);
});
