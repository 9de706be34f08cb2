// Detach keys, handled by the daemon: on a tty attach or exec, the sequence (default ctrl-p,ctrl-q,
// or `detachKeys` / the exec's DetachKeys) ends the hijacked stream and the process keeps running
// with its stdin still open; without a tty the bytes are just input. Bad keys get docker's errors.
// The docker CLI detaching under a pseudo-terminal (`script`) too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompatTarget, messageOf } from './harness.js';
import { container, createExec, openStream } from './raw-stream.js';
import { runProcess } from '../support/test-daemon.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

const CTRL_P_Q = Buffer.from([0x10, 0x11]);
const attachPath = (id: string, extra = ''): string => `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1${extra}`;

async function state(id: string): Promise<string> {
  return ((await t.ok('GET', `/containers/${id}/json`)).body as { State: { Status: string } }).State.Status;
}

describe('attach to a container with a tty', () => {
  it('ctrl-p,ctrl-q ends the stream; the container runs on and its stdin stays open', async () => {
    const id = await container(t, 'tty-cat', { Cmd: ['cat'], Tty: true, OpenStdin: true });
    const s = await openStream(t, attachPath(id));
    assert.equal(s.status, 101);
    s.socket.write('hello\n');
    await s.waitFor('hello\r\nhello\r\n');
    s.socket.write(CTRL_P_Q);
    assert.equal(await s.closed(), true, 'the daemon ends the stream');
    assert.ok(!s.data().includes(0x10), 'the sequence never reaches the container');
    assert.equal(await state(id), 'running');
    // A second attach still types into the same stdin.
    const again = await openStream(t, attachPath(id));
    again.socket.write('again\n');
    await again.waitFor('again\r\nagain\r\n');
    again.socket.write(CTRL_P_Q);
    assert.equal(await again.closed(), true);
  });

  it('detachKeys picks another sequence; a partial one is passed on', async () => {
    const id = await container(t, 'tty-keys', { Cmd: ['cat'], Tty: true, OpenStdin: true });
    const s = await openStream(t, attachPath(id, '&detachKeys=ctrl-x,x'));
    s.socket.write(Buffer.from('a\x18b\n'));
    await s.waitFor('b\r\n');
    s.socket.write(CTRL_P_Q);
    s.socket.write('\n');
    assert.equal(await s.closed(800), false, 'ctrl-p,ctrl-q is input now');
    s.socket.write(Buffer.from('\x18x'));
    assert.equal(await s.closed(), true);
    assert.equal(await state(id), 'running');
  });

  it('a bad detachKeys value is refused before the stream', async () => {
    const id = await container(t, 'tty-bad', { Cmd: ['cat'], Tty: true, OpenStdin: true });
    for (const keys of ['ctrl-P', 'ab', 'ctrl-', 'ctrl-1']) {
      const s = await openStream(t, attachPath(id, `&detachKeys=${encodeURIComponent(keys)}`));
      assert.equal(s.status, 400, keys);
      await s.closed();
      assert.match(s.data().toString(), new RegExp(`Invalid detach keys \\(${keys.replace(/[-]/g, '\\-')}\\) provided`));
      s.socket.destroy();
    }
  });
});

describe('attach without a tty', () => {
  it('the detach sequence is only input: the container gets it and the stream stays', async () => {
    const id = await container(t, 'plain-cat', { Cmd: ['cat'], OpenStdin: true });
    const s = await openStream(t, attachPath(id));
    s.socket.write(Buffer.concat([Buffer.from('x'), CTRL_P_Q, Buffer.from('\n')]));
    await s.waitFor(Buffer.from([0x10, 0x11, 0x0a]));
    assert.equal(await s.closed(500), false);
    s.socket.destroy();
  });
});

describe('exec with a tty', () => {
  // What becomes of the process differs: dockerd 20.10 reports the detach as a failed attach and
  // hangs up its terminal; berth leaves it running, as a container's detach does.
  it("the exec's DetachKeys end its stream", async () => {
    const id = await container(t, 'exec-host', { Cmd: ['sleep', '300'] });
    const ex = await createExec(t, id, { Cmd: ['cat'], Tty: true, AttachStdin: true, DetachKeys: 'ctrl-x' });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Tty: true } });
    assert.equal(s.status, 101);
    s.socket.write('abc\n');
    await s.waitFor('abc\r\nabc\r\n');
    s.socket.write(Buffer.from([0x18]));
    assert.equal(await s.closed(), true);
    assert.equal(await state(id), 'running');
  });

  it('field names match case-insensitively, as Go decodes them: docker-py sends detachKeys', async () => {
    const id = await container(t, 'exec-lower', { Cmd: ['sleep', '300'] });
    const ex = await createExec(t, id, { Cmd: ['cat'], Tty: true, AttachStdin: true, detachKeys: 'ctrl-p' });
    const s = await openStream(t, `/exec/${ex}/start`, { body: { Tty: true } });
    assert.equal(s.status, 101);
    s.socket.write('abc\n');
    await s.waitFor('abc\r\nabc\r\n');
    s.socket.write(Buffer.from([0x10]));
    assert.equal(await s.closed(), true);
    assert.equal(await state(id), 'running');
  });

  it('bad DetachKeys are refused at exec create', async () => {
    const id = await container(t, 'exec-bad', { Cmd: ['sleep', '300'] });
    const r = await t.api('POST', `/containers/${id}/exec`, { body: { Cmd: ['true'], DetachKeys: 'ctrl-P' } });
    assert.ok(r.status >= 400, r.text);
    assert.match(messageOf(r), /Invalid escape keys \(ctrl-P\) provided/);
    const ok = await t.api('POST', `/containers/${id}/exec`, { body: { Cmd: ['true'], DetachKeys: 'DEL,a,ctrl-@,ctrl-_' } });
    assert.equal(ok.status, 201, ok.text);
  });
});

describe('the docker CLI under a terminal', () => {
  /** Runs `command` in a pty (util-linux script), typing `keys` after the delays (ms). */
  function inTerminal(command: string, keys: Array<[number, string]>, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
    const typing = keys.map(([ms, k]) => `sleep ${ms / 1000}; printf '${k}'`).join('; ');
    const script = `(${typing}; sleep 2) | script -qec ${JSON.stringify(command)} /dev/null`;
    return runProcess('bash', ['-c', script], { env: { ...process.env, DOCKER_HOST: t.host, DOCKER_CLI_HINTS: 'false', ...env }, timeoutMs: 60_000 }).then((r) => ({ code: r.code, out: r.stdout + r.stderr }));
  }

  it('run -it, attach and exec -it detach and leave the container running', async () => {
    const name = `${t.run}-cli`;
    const run = await inTerminal(`docker run -it --name ${name} --label berth.compat=${t.run} busybox sh`, [[2000, 'echo one$((1+1))\\r'], [1000, '\\020\\021']]);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /one2/);
    assert.equal(await state(name), 'running');

    const attach = await inTerminal(`docker attach ${name}`, [[1000, 'echo two$((1+1))\\r'], [1000, '\\020\\021']]);
    assert.match(attach.out, /two2/);
    assert.match(attach.out, /read escape sequence/);
    assert.equal(await state(name), 'running');

    const exec = await inTerminal(`docker exec -it ${name} sh`, [[1000, 'tty\\r'], [1000, '\\020\\021']]);
    assert.match(exec.out, /\/dev\/pts\/\d+\r\n/);
    assert.match(exec.out, /read escape sequence/);
    assert.equal(await state(name), 'running');
  });

  it("the client's config.json detachKeys", async () => {
    const name = `${t.run}-cfg`;
    await container(t, 'cfg', { Cmd: ['sh'], Tty: true, OpenStdin: true });
    const dir = mkdtempSync('/tmp/compat-docker-config-');
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-x,x' }));
      const r = await inTerminal(`docker attach ${name}`, [[1000, 'echo three$((1+2))\\r'], [1000, '\\030x']], { DOCKER_CONFIG: dir });
      assert.match(r.out, /three3/);
      assert.match(r.out, /read escape sequence/);
      assert.equal(await state(name), 'running');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
