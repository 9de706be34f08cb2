// The foundation's acceptance through the real docker CLI against a test berthd.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('docker CLI against berthd', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('runs a container and prints its output', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'hello']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'hello\n');
    assert.equal(r.code, 0);
  });

  it('exits with the container exit code', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7']);
    assert.equal(r.code, 7);
  });

  it('streams stdin with -i', async () => {
    const r = await d.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
  });

  it('separates stdout and stderr', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('gives 127 for a missing command and 125 for an unknown image', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'no-such-command']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /executable file not found/);
    const r2 = await d.docker(['run', '--rm', '--pull', 'never', 'nosuchimage:1']);
    assert.equal(r2.code, 125);
    assert.match(r2.stderr, /No such image/);
  });

  it('runs detached and follows logs', async () => {
    const id = (await d.docker(['run', '-d', '--name', 'logger', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.2; done'])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const r = await d.docker(['logs', '-f', 'logger']);
    assert.equal(r.stdout, 'line 1\nline 2\nline 3\n');
    const tail = await d.docker(['logs', '--tail', '1', '--timestamps', 'logger']);
    assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3\n$/);
    const names = await d.docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.match(names.stdout, /^logger$/m);
    const st = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'logger']);
    assert.equal(st.stdout.trim(), 'exited 0');
    assert.equal((await d.docker(['rm', 'logger'])).code, 0);
  });

  it('execs in a running container, with exit codes and stdin', async () => {
    await d.docker(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '1000']);
    const r = await d.docker(['exec', 'ex', 'sh', '-c', 'echo from exec; exit 3']);
    assert.equal(r.stdout, 'from exec\n');
    assert.equal(r.code, 3);
    const r2 = await d.docker(['exec', '-i', 'ex', 'cat'], { input: 'piped\n' });
    assert.equal(r2.stdout, 'piped\n');
    const r3 = await d.docker(['exec', '-u', 'nobody', 'ex', 'id', '-u']);
    assert.equal(r3.stdout.trim(), '65534');
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
    assert.match(ps.stdout, /^ex Up /m);
    await d.docker(['rm', '-f', 'ex']);
  });

  it('stop kills a container that ignores SIGTERM after -t', async () => {
    await d.docker(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    const t0 = Date.now();
    const r = await d.docker(['stop', '-t', '1', 'stubborn']);
    assert.equal(r.code, 0);
    assert.ok(Date.now() - t0 < 8000);
    const st = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'stubborn']);
    assert.equal(st.stdout.trim(), 'exited 137');
    await d.docker(['rm', 'stubborn']);
  });

  it('rm -f removes a running container; rm without -f refuses', async () => {
    await d.docker(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '1000']);
    const refused = await d.docker(['rm', 'victim']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove/);
    assert.equal((await d.docker(['rm', '-f', 'victim'])).code, 0);
    const ps = await d.docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.doesNotMatch(ps.stdout, /victim/);
  });

  it('lists, inspects, tags, saves and loads images', async () => {
    const images = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}']);
    assert.match(images.stdout, /^busybox:latest \d/m);
    const ins = await d.docker(['image', 'inspect', '-f', '{{.Os}} {{.Architecture}} {{json .Config.Cmd}}', 'busybox']);
    assert.equal(ins.stdout.trim(), 'linux amd64 ["sh"]');
    assert.equal((await d.docker(['tag', 'busybox', 'mybox:1'])).code, 0);
    const saved = await new Promise<Buffer>((resolve, reject) => {
      const p = spawn('docker', ['save', 'mybox:1'], { env: { ...process.env, DOCKER_HOST: d.host } });
      const chunks: Buffer[] = [];
      p.stdout.on('data', (c: Buffer) => chunks.push(c));
      p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`save exit ${code}`))));
    });
    assert.equal((await d.docker(['rmi', 'mybox:1'])).code, 0);
    const loaded = await d.docker(['load'], { input: saved });
    assert.match(loaded.stdout, /Loaded image: mybox:1/);
    const run = await d.docker(['run', '--rm', 'mybox:1', 'echo', 'loaded']);
    assert.equal(run.stdout, 'loaded\n');
  });

  it('rmi refuses an image a container uses unless forced', async () => {
    await d.docker(['tag', 'busybox', 'inuse:1']);
    await d.docker(['create', '--name', 'user', 'inuse:1', 'true']);
    const id = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'inuse:1'])).stdout.trim();
    await d.docker(['rmi', 'busybox']); // busybox tag goes, the id stays (still tagged inuse:1)
    await d.docker(['tag', id, 'busybox:latest']);
    const r = await d.docker(['rmi', id]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /conflict: unable to/);
    await d.docker(['rm', 'user']);
    await d.docker(['rmi', 'inuse:1']);
  });

  it('refuses a hostile layer with a clear error and writes nothing outside', async () => {
    const { pack } = await import('tar-stream');
    const tar = pack();
    tar.entry({ name: 'ok.txt' }, 'fine');
    tar.entry({ name: '../../../../../../tmp/berth-escape-test' }, 'evil');
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    const r = await d.docker(['import', '-', 'evil:1'], { input: Buffer.concat(chunks) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /outside|escape|refus/i);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync('/tmp/berth-escape-test'), false);
    const images = await d.docker(['images', '--format', '{{.Repository}}']);
    assert.doesNotMatch(images.stdout, /evil/);
  });

  it('streams events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await d.docker(['run', '--rm', '--name', 'evt', 'busybox', 'true']);
    const r = await d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=evt', '--format', '{{.Action}}']);
    const actions = r.stdout.split('\n').filter(Boolean);
    for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `missing ${a} in ${actions.join(',')}`);
  });
});
