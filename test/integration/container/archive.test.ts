// docker cp / diff / export / commit through the real docker CLI against a test berthd.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync, readlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon, runProcess } from '../../support/test-daemon.js';

describe('container files (docker CLI)', () => {
  let d: TestDaemon;
  let tmp: string;
  before(async () => {
    d = await startTestDaemon();
    tmp = mkdtempSync('/tmp/bt-cp-');
  });
  after(async () => {
    await d?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await d.docker(args, input !== undefined ? { input } : {});
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('copies files and directories in and out of a running container', async () => {
    await ok(['run', '-d', '--name', 'cp1', '-v', 'cpvol:/data', 'busybox', 'sleep', '600']);
    writeFileSync(join(tmp, 'in.txt'), 'into the container\n');
    await ok(['cp', join(tmp, 'in.txt'), 'cp1:/tmp/']);
    assert.equal(await ok(['exec', 'cp1', 'cat', '/tmp/in.txt']), 'into the container\n');
    // Into a volume mounted in the container.
    await ok(['cp', join(tmp, 'in.txt'), 'cp1:/data/renamed.txt']);
    assert.equal(await ok(['exec', 'cp1', 'cat', '/data/renamed.txt']), 'into the container\n');
    // A directory in, then out again.
    mkdirSync(join(tmp, 'tree/sub'), { recursive: true });
    writeFileSync(join(tmp, 'tree/sub/f'), 'deep\n');
    symlinkSync('sub/f', join(tmp, 'tree/link'));
    await ok(['cp', join(tmp, 'tree'), 'cp1:/tmp/tree']);
    assert.equal(await ok(['exec', 'cp1', 'cat', '/tmp/tree/link']), 'deep\n');
    await ok(['cp', 'cp1:/tmp/tree', join(tmp, 'back')]);
    assert.equal(readFileSync(join(tmp, 'back/sub/f'), 'utf8'), 'deep\n');
    assert.equal(readlinkSync(join(tmp, 'back/link')), 'sub/f');
    await ok(['cp', 'cp1:/etc/passwd', join(tmp, 'passwd')]);
    assert.match(readFileSync(join(tmp, 'passwd'), 'utf8'), /^root:/);
    // Out to stdout as a tar.
    const r = await runProcess('sh', ['-c', `docker cp cp1:/tmp/in.txt - | tar t`], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.equal(r.stdout, 'in.txt\n');
    const missing = await d.docker(['cp', 'cp1:/no/such/file', tmp]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/no\/such\/file in container cp1/);
  });

  it("a symlink in the container pointing at / keeps a copy inside the container's root", async () => {
    const marker = `berth-escape-${process.pid}.txt`;
    await ok(['exec', 'cp1', 'ln', '-s', '/', '/link']);
    await ok(['exec', 'cp1', 'ln', '-s', '/etc', '/etclink']);
    writeFileSync(join(tmp, marker), 'stays inside\n');
    await ok(['cp', join(tmp, marker), 'cp1:/link/']);
    assert.ok(!existsSync(`/${marker}`), 'nothing written on the host root');
    assert.equal(await ok(['exec', 'cp1', 'cat', `/${marker}`]), 'stays inside\n');
    writeFileSync(join(tmp, 'x'), 'x\n');
    await ok(['cp', join(tmp, 'x'), 'cp1:/etclink/x-through-link']);
    assert.equal(await ok(['exec', 'cp1', 'cat', '/etc/x-through-link']), 'x\n');
    assert.ok(!existsSync('/etc/x-through-link'));
    // Out through the link: the link itself unless it ends in '/'.
    await ok(['cp', 'cp1:/etclink', join(tmp, 'l')]);
    assert.ok(lstatSync(join(tmp, 'l')).isSymbolicLink());
  });

  it('copies into and out of a stopped container, volumes included', async () => {
    await ok(['stop', '-t', '0', 'cp1']);
    writeFileSync(join(tmp, 'stopped.txt'), 'while stopped\n');
    await ok(['cp', join(tmp, 'stopped.txt'), 'cp1:/stopped.txt']);
    await ok(['cp', 'cp1:/data/renamed.txt', join(tmp, 'from-volume.txt')]);
    assert.equal(readFileSync(join(tmp, 'from-volume.txt'), 'utf8'), 'into the container\n');
    await ok(['start', 'cp1']);
    assert.equal(await ok(['exec', 'cp1', 'cat', '/stopped.txt']), 'while stopped\n');
  });

  it('diff lists added, changed and deleted paths', async () => {
    await ok(['run', '--name', 'df1', 'busybox', 'sh', '-c', 'mkdir /newdir && echo 1 > /newdir/f && rm /bin/arch && echo x >> /etc/passwd']);
    const lines = (await ok(['diff', 'df1'])).trim().split('\n');
    for (const want of ['A /newdir', 'A /newdir/f', 'C /bin', 'D /bin/arch', 'C /etc', 'C /etc/passwd']) assert.ok(lines.includes(want), `${want} in ${lines.join(', ')}`);
    assert.ok(!lines.some((l) => / \/(proc|sys|dev)$/.test(l)), lines.join(', '));
  });

  it('export writes the container filesystem as a tar', async () => {
    const r = await runProcess('sh', ['-c', 'docker export df1 | tar t'], { env: { ...process.env, DOCKER_HOST: d.host } });
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout.split('\n');
    assert.ok(names.includes('newdir/f'));
    assert.ok(names.includes('bin/busybox'));
    assert.ok(!names.includes('bin/arch'));
  });

  it('commit makes an image with the change and the config overrides', async () => {
    const id = (await ok(['commit', '-c', 'ENV COMMITTED=yes', '-m', 'a message', '-a', 'someone', 'df1', 'committed:v1'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'cat /newdir/f; echo $COMMITTED; test -e /bin/arch || echo gone']), '1\nyes\ngone\n');
    assert.equal(await ok(['image', 'inspect', '-f', '{{.Comment}}|{{.Author}}', 'committed:v1']), 'a message|someone\n');
    // A running container is paused for the commit and runs on.
    await ok(['exec', 'cp1', 'sh', '-c', 'echo live > /live']);
    await ok(['commit', 'cp1', 'committed:v2']);
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'cp1']), 'running\n');
    assert.equal(await ok(['run', '--rm', '--entrypoint', 'cat', 'committed:v2', '/live']), 'live\n');
  });
});
