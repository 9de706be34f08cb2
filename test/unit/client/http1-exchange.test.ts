// The buffered HTTP/1.1 exchange the CLI uses for small calls: response framing (length, chunked,
// until close), 1xx answers skipped, and a real round trip against node's own server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchange, ResponseReader, MalformedResponseError } from '../../../src/client/http1-exchange.js';

/** Feeds the text one byte at a time and returns the first complete response. */
function readBytewise(text: string, reader = new ResponseReader()) {
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i++) {
    const res = reader.push(bytes.subarray(i, i + 1));
    if (res) return res;
  }
  return reader.end();
}

describe('ResponseReader', () => {
  it('reads a Content-Length body arriving in pieces', () => {
    const res = readBytewise('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nApi-Version: 1.47\r\n\r\n[]');
    assert.equal(res?.statusCode, 200);
    assert.equal(res?.statusMessage, 'OK');
    assert.equal(res?.headers['api-version'], '1.47');
    assert.equal(res?.body.toString(), '[]');
  });

  it('decodes a chunked body, trailers and all', () => {
    const res = readBytewise('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"mes\r\n0d\r\nsage":"gone"}\r\n0\r\nX-Trailer: 1\r\n\r\n');
    assert.equal(res?.statusCode, 404);
    assert.equal(res?.body.toString(), '{"message":"gone"}');
  });

  it('reads to the end of the connection when no length is given, and skips 100 Continue', () => {
    const reader = new ResponseReader();
    assert.equal(reader.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nall of it')), undefined);
    assert.equal(reader.end()?.body.toString(), 'all of it');
  });

  it('has no body for 204 or HEAD, and rejects what is not HTTP', () => {
    assert.equal(readBytewise('HTTP/1.1 204 No Content\r\n\r\n')?.body.length, 0);
    assert.equal(readBytewise('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n', new ResponseReader(true))?.body.length, 0);
    assert.throws(() => new ResponseReader().push(Buffer.from('SSH-2.0-x\r\n\r\n')), MalformedResponseError);
  });

  it('tells a response cut short from a whole one', () => {
    const reader = new ResponseReader();
    assert.equal(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort')), undefined);
    assert.equal(reader.end(), undefined);
  });
});

describe('exchange over a unix socket', () => {
  it('sends method, path, headers and body; one connection per call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-http1-'));
    const sock = join(dir, 'api.sock');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers['content-type']} ${body}`);
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.write('{"Id":');
        res.end('"c1"}'); // chunked: no Content-Length given
      });
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const res = await exchange({ socketPath: sock, method: 'POST', path: '/v1.47/containers/create?name=x', headers: { 'Content-Type': 'application/json' }, body: '{"Image":"busybox"}' });
      assert.equal(res.statusCode, 201);
      assert.deepEqual(JSON.parse(res.body.toString()), { Id: 'c1' });
      assert.deepEqual(seen, ['POST /v1.47/containers/create?name=x api.berth application/json {"Image":"busybox"}']);
      await assert.rejects(exchange({ socketPath: join(dir, 'nobody.sock'), method: 'GET', path: '/_ping', headers: {} }), { code: 'ENOENT' });
      const aborted = new AbortController();
      aborted.abort(new Error('stop'));
      await assert.rejects(exchange({ socketPath: sock, method: 'GET', path: '/_ping', headers: {}, signal: aborted.signal }), /stop/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
