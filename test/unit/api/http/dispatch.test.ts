// A request through dispatch: version prefixes, docker's JSON errors with their status codes, and
// the reply helpers' headers, over a real HTTP server on the loopback (no daemon needed).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '../../../../src/api/http/router.js';
import { dispatch } from '../../../../src/api/http/dispatch.js';
import { sendEmpty, sendJson, sendNoContent } from '../../../../src/api/http/responses.js';
import { startJsonStream } from '../../../../src/api/http/json-stream.js';
import { ConflictError, NotFoundError } from '../../../../src/errors.js';
import { MAX_API_VERSION } from '../../../../src/engine-api-version.js';

let server: Server;
let port: number;

before(async () => {
  const router = new Router()
    .add('GET', '/echo/:what', (ctx) => sendJson(ctx.res!, 200, { what: ctx.params.what, version: ctx.version, q: ctx.query.get('q') }))
    .add('POST', '/nothing', (ctx) => sendNoContent(ctx.res!))
    .add('POST', '/empty', (ctx) => sendEmpty(ctx.res!, 201))
    .add('GET', '/missing', () => {
      throw new NotFoundError('No such thing: x');
    })
    .add('GET', '/conflict', async () => {
      throw new ConflictError('in use');
    })
    .add('GET', '/stream', (ctx) => {
      const send = startJsonStream(ctx.res!);
      send({ status: 'one' });
      send({ status: 'two' });
      ctx.res!.end();
    });
  server = createServer((req, res) => void dispatch(router, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

function call(method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('strips the version prefix and hands params and query to the handler', async () => {
  const r = await call('GET', '/v1.41/echo/hi?q=1');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { what: 'hi', version: '1.41', q: '1' });
  assert.equal(r.headers['api-version'], MAX_API_VERSION);
  assert.equal(r.headers['content-type'], 'application/json');
  const plain = await call('GET', '/echo/there');
  assert.equal(JSON.parse(plain.body).version, MAX_API_VERSION);
});

it('refuses a version newer than the newest with 400 and docker\'s message', async () => {
  const r = await call('GET', '/v9.99/echo/hi');
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.body).message, /client version 9\.99 is too new/);
});

it('maps typed errors to docker\'s status codes with a JSON message', async () => {
  const nf = await call('GET', '/missing');
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body), { message: 'No such thing: x' });
  assert.equal((await call('GET', '/conflict')).status, 409);
  const unknown = await call('GET', '/no/such/route');
  assert.equal(unknown.status, 404);
  assert.deepEqual(JSON.parse(unknown.body), { message: 'page not found' });
  const wrongMethod = await call('DELETE', '/nothing');
  assert.equal(wrongMethod.status, 405);
});

it('sends 204 and empty replies with the server headers', async () => {
  const none = await call('POST', '/nothing');
  assert.equal(none.status, 204);
  assert.equal(none.body, '');
  assert.equal(none.headers.ostype, 'linux');
  const empty = await call('POST', '/empty');
  assert.equal(empty.status, 201);
  assert.equal(empty.headers['content-length'], '0');
});

it('streams JSON messages one per line', async () => {
  const r = await call('GET', '/stream');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.trim().split('\r\n').map((l) => JSON.parse(l)), [{ status: 'one' }, { status: 'two' }]);
});
