import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { IncomingMessage } from 'node:http';
import { readJsonFromUpgrade, readUpgradeBody } from '../../../../src/api/http/upgrade-body.js';
import type { RequestContext } from '../../../../src/api/http/router.js';

function ctxOf(headers: Record<string, string>, head: string, more: string[] = []): RequestContext {
  const socket = new PassThrough();
  for (const m of more) socket.write(m);
  socket.pause();
  return { req: { headers } as unknown as IncomingMessage, params: {}, query: new URLSearchParams(), version: '1.47', upgrade: { socket, head: Buffer.from(head) } };
}

describe('readUpgradeBody', () => {
  it('takes Content-Length bytes, from head and the socket; the rest stays for stdin', async () => {
    const ctx = ctxOf({ 'content-length': '10' }, '{"a":', ['1}   stdin']);
    assert.deepEqual(await readJsonFromUpgrade(ctx), { a: 1 });
    assert.equal(ctx.upgrade!.head.toString(), 'stdin');
  });
  it('reads a chunked body and its end', async () => {
    const ctx = ctxOf({ 'transfer-encoding': 'chunked' }, '3\r\n{"b', ['\r\n4\r\n":2}\r\n0\r\n\r\nin']);
    assert.equal((await readUpgradeBody(ctx)).toString(), '{"b":2}');
    assert.equal(ctx.upgrade!.head.toString(), 'in');
  });
  it('reads only once', async () => {
    const ctx = ctxOf({ 'content-length': '2' }, '{}xy');
    assert.equal((await readUpgradeBody(ctx)).toString(), '{}');
    assert.equal((await readUpgradeBody(ctx)).length, 0);
    assert.equal(ctx.upgrade!.head.toString(), 'xy');
  });
});
