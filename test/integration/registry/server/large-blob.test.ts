// Blobs larger than the server's read and write batches: whole and ranged GETs across buffer
// boundaries, a client that goes away mid-download, and a chunked upload of many small parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { pushBlob, startRegistry, sha256, tempDir } from './harness.js';

test('large blob: whole GET, ranges across read buffers, aborted download leaves the server serving', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const data = randomBytes((5 << 20) + 12345);
  const d = await pushBlob(reg.url, 'big/blob', data);

  const whole = await fetch(`${reg.url}/v2/big/blob/blobs/${d}`);
  assert.equal(whole.status, 200);
  assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), d);

  for (const [a, b] of [[(1 << 20) - 3, (3 << 20) + 7], [4 << 20, data.length - 1], [0, 0]] as const) {
    const part = await fetch(`${reg.url}/v2/big/blob/blobs/${d}`, { headers: { Range: `bytes=${a}-${b}` } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes ${a}-${b}/${data.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(data.subarray(a, b + 1)));
  }

  // A client that reads a little and hangs up.
  const u = new URL(`${reg.url}/v2/big/blob/blobs/${d}`);
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.once('error', reject);
    req.end();
  });
  const again = await fetch(`${reg.url}/v2/big/blob/blobs/${d}`, { headers: { Range: 'bytes=-10' } });
  assert.ok(Buffer.from(await again.arrayBuffer()).equals(data.subarray(-10)));
});

test('large blob: chunked upload in many PATCHes, digest mismatch stores nothing', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const data = randomBytes(3 << 20);
  const start = async () => {
    const post = await fetch(`${reg.url}/v2/big/up/blobs/uploads/`, { method: 'POST' });
    assert.equal(post.status, 202);
    return post.headers.get('location')!;
  };
  let loc = await start();
  const part = 700_001;
  for (let off = 0; off < data.length; off += part) {
    const chunk = data.subarray(off, Math.min(off + part, data.length));
    const res = await fetch(reg.url + loc, {
      method: 'PATCH', body: chunk,
      headers: { 'Content-Range': `${off}-${off + chunk.length - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    assert.equal(res.status, 202);
    loc = res.headers.get('location')!;
  }
  const d = sha256(data);
  const bad = await fetch(`${reg.url}${loc}?digest=${sha256('other')}`, { method: 'PUT' });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(`${reg.url}/v2/big/up/blobs/${sha256('other')}`, { method: 'HEAD' })).status, 404);

  loc = await start();
  const put = await fetch(`${reg.url}${loc}?digest=${d}`, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201);
  const got = await fetch(`${reg.url}/v2/big/up/blobs/${d}`);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(data));
});

test('large blob: a PATCH cut off mid-body, then resumed from the reported offset', async (t) => {
  const reg = await startRegistry(t, tempDir(t));
  const data = randomBytes(4 << 20);
  const post = await fetch(`${reg.url}/v2/big/resume/blobs/uploads/`, { method: 'POST' });
  const loc = post.headers.get('location')!;
  const u = new URL(reg.url + loc);
  // Send about half of the blob as a chunked body, then hang up.
  await new Promise<void>((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream' } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    let off = 0;
    const pump = () => {
      while (off < data.length / 2) {
        const more = req.write(data.subarray(off, off + 65536));
        off += 65536;
        if (!more) return void req.once('drain', pump);
      }
      setTimeout(() => req.destroy(), 100);
    };
    pump();
  });
  // Until the server has noticed the hang-up the session is busy (416); then it reports what it
  // kept and takes the rest from there.
  let rest: Response | undefined;
  let offset = -1;
  for (let i = 0; i < 100 && rest === undefined; i++) {
    const st = await fetch(reg.url + loc);
    assert.equal(st.status, 204);
    offset = Number(st.headers.get('range')!.split('-')[1]) + 1;
    const res = await fetch(reg.url + loc, {
      method: 'PATCH', body: data.subarray(offset),
      headers: { 'Content-Range': `${offset}-${data.length - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    if (res.status === 202) rest = res;
    else {
      assert.equal(res.status, 416);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  assert.ok(rest, 'the upload could be resumed');
  assert.ok(offset > 0 && offset <= data.length / 2, `offset ${offset}`);
  const d = sha256(data);
  const put = await fetch(`${reg.url}${rest.headers.get('location')}?digest=${d}`, { method: 'PUT' });
  assert.equal(put.status, 201);
  const got = await fetch(`${reg.url}/v2/big/resume/blobs/${d}`);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(data));
});
