// Exec with Tty runs the process on a real terminal (a pty: `\r\n` line ends, `tty` names it),
// whatever the start request says; the start request's Tty only chooses raw or framed output.
// Resize of an exec's terminal, and `docker exec -it` under a pseudo-terminal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container, createExec, demux, openStream } from './raw-stream.js';
import { runProcess } from '../support/test-daemon.js';

let t: CompatTarget;
let host: string;
before(async () => {
  t = await CompatTarget.open();
  host = await container(t, 'host', { Cmd: ['sleep', '300'] });
});
after(() => t.close());

const SCRIPT = ['sh', '-c', 'echo a; tty'];

describe('exec with Tty', () => {
  it('runs on a pty: \\r\\n and /dev/pts, raw when the start request says Tty', async () => {
    const ex = await createExec(t, host, { Cmd: SCRIPT, Tty: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Detach: false, Tty: true } });
    assert.equal(s.status, 101);
    assert.equal(await s.closed(), true);
    assert.match(s.data().toString(), /^a\r\n\/dev\/pts\/\d+\r\n$/);
  });

  it('a start request without Tty (docker-py) still gets the pty, in frames', async () => {
    const ex = await createExec(t, host, { Cmd: SCRIPT, Tty: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Detach: false, Tty: false } });
    assert.equal(await s.closed(), true);
    const frames = demux(s.data());
    assert.ok(frames.every((f) => f.stream === 1), JSON.stringify(frames));
    assert.match(frames.map((f) => f.data).join(''), /^a\r\n\/dev\/pts\/\d+\r\n$/);
  });

  it('without Tty: no terminal, plain \\n', async () => {
    const ex = await createExec(t, host, { Cmd: SCRIPT });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Detach: false, Tty: false } });
    assert.equal(await s.closed(), true);
    assert.equal(demux(s.data()).map((f) => f.data).join(''), 'a\nnot a tty\n');
  });

  it('POST /exec/{id}/resize sets the size of its terminal', async () => {
    const ex = await createExec(t, host, { Cmd: ['sh', '-c', 'read x; stty size'], Tty: true, AttachStdin: true });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Tty: true } });
    assert.equal(s.status, 101);
    await new Promise((r) => setTimeout(r, 300));
    await t.ok('POST', `/exec/${ex}/resize`, { query: { h: '33', w: '101' } });
    s.socket.write('\n');
    await s.waitFor('33 101\r\n');
    assert.equal(await s.closed(), true);
  });

  it('a resize with a bad size is refused', async () => {
    const ex = await createExec(t, host, { Cmd: ['sleep', '1'], Tty: true });
    const r = await t.api('POST', `/exec/${ex}/resize`, { query: { h: 'x', w: '80' } });
    assert.equal(r.status, 400, r.text);
  });
});

describe('docker exec -it', () => {
  it('runs an interactive shell on a terminal', async () => {
    const typing = `sleep 1; printf 'tty; stty size; exit 7\\r'; sleep 2`;
    const r = await runProcess('bash', ['-c', `(${typing}) | script -qec ${JSON.stringify(`stty rows 20 cols 70; docker exec -it ${host} sh`)} /dev/null`], {
      env: { ...process.env, DOCKER_HOST: t.host, DOCKER_CLI_HINTS: 'false' },
      timeoutMs: 60_000,
    });
    assert.match(r.stdout, /\/dev\/pts\/\d+\r\n20 70\r\n/);
    assert.equal(r.code, 7, r.stdout + r.stderr);
  });
});
