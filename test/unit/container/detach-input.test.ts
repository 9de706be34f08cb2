import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { BerthError, InvalidArgumentError } from '../../../src/errors.js';
import { detachKeysOf, watchDetachKeys } from '../../../src/container/detach-input.js';

async function collect(r: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const c of r) s += (c as Buffer).toString('latin1');
  return s;
}

describe('detachKeysOf', () => {
  it("empty is docker's default", () => {
    assert.deepEqual(detachKeysOf('', 'detach'), [16, 17]);
    assert.deepEqual(detachKeysOf(undefined, 'escape'), [16, 17]);
  });
  it("words the error as dockerd: attach a bad parameter, exec create a plain error", () => {
    assert.throws(() => detachKeysOf('ctrl-P', 'detach'), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'Invalid detach keys (ctrl-P) provided');
    assert.throws(() => detachKeysOf('ab', 'escape'), (e: unknown) => e instanceof BerthError && !(e instanceof InvalidArgumentError) && e.message === 'Invalid escape keys (ab) provided');
  });
});

describe('watchDetachKeys', () => {
  it('ends the input at the sequence, which is never passed on', async () => {
    const client = new PassThrough();
    const w = watchDetachKeys(client, [16, 17]);
    const got = collect(w.input);
    client.write('ab\x10');
    client.write('\x11after');
    assert.equal(await got, 'ab');
    assert.equal(await w.detached, true);
  });
  it("ends with the client's input otherwise", async () => {
    const client = new PassThrough();
    const w = watchDetachKeys(client, [16, 17]);
    const got = collect(w.input);
    client.end('x\x10y');
    assert.equal(await got, 'x\x10y');
    assert.equal(await w.detached, false);
  });
});
