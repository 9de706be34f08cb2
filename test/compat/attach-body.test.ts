// A hijacked POST may carry a body (dockerode sends the attach options as JSON; exec start's body
// is its options): dockerd never reads it as stdin. Only bytes sent after the upgrade are stdin
// (dockerd drops what arrives with the request itself, so no test sends any).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container, createExec, demux, openStream } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

const OPTIONS = { stream: true, stdin: true, stdout: true, stderr: true, hijack: true };
const text = (buf: Buffer): string => demux(buf).map((f) => f.data).join('');

describe('POST /containers/{id}/attach with a body', () => {
  it('a JSON body (Content-Length) is not stdin; bytes after the upgrade are', async () => {
    const id = await container(t, 'cat', { Cmd: ['cat'], OpenStdin: true });
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`, { body: OPTIONS });
    assert.equal(s.status, 101);
    s.socket.write('late\n');
    await s.waitFor('late\n');
    assert.equal(text(s.data()), 'late\n');
    s.socket.destroy();
  });

  it('a chunked body is not stdin either', async () => {
    const id = await container(t, 'cat-chunked', { Cmd: ['cat'], OpenStdin: true });
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdin=1&stdout=1`, { body: OPTIONS, chunked: true });
    assert.equal(s.status, 101);
    s.socket.write('only\n');
    await s.waitFor('only\n');
    assert.equal(text(s.data()), 'only\n');
    s.socket.destroy();
  });
});

describe('POST /exec/{id}/start', () => {
  it('its body is the start options; stdin is what follows', async () => {
    const id = await container(t, 'host', { Cmd: ['sleep', '300'] });
    const ex = await createExec(t, id, { Cmd: ['cat'], AttachStdin: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Detach: false, Tty: false } });
    assert.equal(s.status, 101);
    s.socket.end('in\n');
    assert.equal(await s.closed(), true);
    assert.equal(text(s.data()), 'in\n');
  });
});
