// The framing of attach, exec and logs output: docker's 8-byte multiplexed frames (stream 1
// stdout, 2 stderr) without a tty, raw bytes with one; the media type named on the upgrade
// (multiplexed only from API 1.42); and what stdin's end does: a StdinOnce container without a
// tty sees EOF while its output keeps flowing, any other attach just ends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container, createExec, demux, expectedMediaType, openStream } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

const OUT_ERR = ['sh', '-c', 'echo out; sleep 0.2; echo err >&2'];

async function waitExit(id: string): Promise<number> {
  const r = await t.ok('POST', `/containers/${id}/wait`);
  return (r.body as { StatusCode: number }).StatusCode;
}

describe('attach', () => {
  it('without a tty: frames per stream, and the media type of the API version', async () => {
    const id = await container(t, 'frames', { Cmd: OUT_ERR }, false);
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    assert.equal(s.status, 101);
    assert.equal(s.headers['content-type'], expectedMediaType(t, true));
    await t.ok('POST', `/containers/${id}/start`);
    assert.equal(await s.closed(), true);
    assert.deepEqual(demux(s.data()), [{ stream: 1, data: 'out\n' }, { stream: 2, data: 'err\n' }]);
  });

  it('at API 1.41 the upgrade names a raw stream even when it is framed', async () => {
    const id = await container(t, 'v141', { Cmd: ['echo', 'hi'] }, false);
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdout=1`, { version: '1.41' });
    assert.equal(s.headers['content-type'], expectedMediaType(t, true, '1.41'));
    await t.ok('POST', `/containers/${id}/start`);
    assert.equal(await s.closed(), true);
    assert.deepEqual(demux(s.data()), [{ stream: 1, data: 'hi\n' }]);
  });

  it('with a tty: raw bytes', async () => {
    const id = await container(t, 'raw', { Cmd: OUT_ERR, Tty: true }, false);
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    assert.equal(s.headers['content-type'], expectedMediaType(t, false));
    await t.ok('POST', `/containers/${id}/start`);
    assert.equal(await s.closed(), true);
    assert.equal(s.data().toString(), 'out\r\nerr\r\n');
  });

  it('StdinOnce without a tty: stdin closed, the container sees EOF, output keeps flowing', async () => {
    const id = await container(t, 'once', { Cmd: ['sh', '-c', 'cat; echo done; sleep 0.3; echo later'], OpenStdin: true, StdinOnce: true, AttachStdin: true }, false);
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`);
    await t.ok('POST', `/containers/${id}/start`);
    s.socket.write('hi\n');
    await s.waitFor('hi\n');
    s.socket.end();
    assert.equal(await waitExit(id), 0);
    assert.equal(await s.closed(), true);
    assert.equal(demux(s.data()).map((f) => f.data).join(''), 'hi\ndone\nlater\n');
  });

  it('stdin open but not StdinOnce: its end ends the attach, the container runs on', async () => {
    const id = await container(t, 'open', { Cmd: ['cat'], OpenStdin: true });
    const s = await openStream(t, `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`);
    s.socket.write('one\n');
    await s.waitFor('one\n');
    s.socket.end();
    assert.equal(await s.closed(), true);
    const st = (await t.ok('GET', `/containers/${id}/json`)).body as { State: { Status: string } };
    assert.equal(st.State.Status, 'running');
    // stdin is still open: another attach reaches the same cat.
    const again = await openStream(t, `/containers/${id}/attach?stream=1&stdin=1&stdout=1`);
    again.socket.write('two\n');
    await again.waitFor('two\n');
    again.socket.destroy();
  });
});

describe('exec', () => {
  it('without a tty: frames per stream; stdin end is EOF for the process', async () => {
    const id = await container(t, 'exec-host', { Cmd: ['sleep', '300'] });
    const ex = await createExec(t, id, { Cmd: ['sh', '-c', 'cat; echo gone >&2'], AttachStdin: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Tty: false } });
    assert.equal(s.headers['content-type'], expectedMediaType(t, true));
    s.socket.write('in\n');
    await s.waitFor('in\n');
    s.socket.end();
    assert.equal(await s.closed(), true);
    assert.deepEqual(demux(s.data()), [{ stream: 1, data: 'in\n' }, { stream: 2, data: 'gone\n' }]);
  });

  it('with a tty: raw, and the stream ends with stdin', async () => {
    const id = await container(t, 'exec-tty-host', { Cmd: ['sleep', '300'] });
    const ex = await createExec(t, id, { Cmd: ['cat'], AttachStdin: true, Tty: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Tty: true } });
    assert.equal(s.headers['content-type'], expectedMediaType(t, false));
    s.socket.write('x\n');
    await s.waitFor('x\r\nx\r\n');
    s.socket.end();
    assert.equal(await s.closed(), true);
  });
});

describe('logs', () => {
  it('frames without a tty, raw with one', async () => {
    const plain = await container(t, 'logs-plain', { Cmd: OUT_ERR });
    const tty = await container(t, 'logs-tty', { Cmd: OUT_ERR, Tty: true });
    await waitExit(plain);
    await waitExit(tty);
    const framed = await t.ok('GET', `/containers/${plain}/logs`, { query: { stdout: '1', stderr: '1' } });
    assert.deepEqual(demux(Buffer.from(framed.text, 'latin1')), [{ stream: 1, data: 'out\n' }, { stream: 2, data: 'err\n' }]);
    const raw = await t.ok('GET', `/containers/${tty}/logs`, { query: { stdout: '1', stderr: '1' } });
    assert.equal(raw.text, 'out\r\nerr\r\n');
  });
});
