// berth compose's smaller commands on real containers: events, cp, top, port, images, ls, wait,
// push (to a local berth registry), ps --filter, and anonymous volumes across a recreate (kept,
// or renewed by up -V).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { startRegistry, tempDir } from '../registry/server/harness.js';

const file = (message: string): string => `
services:
  app:
    image: busybox
    command: ["sh", "-c", "echo ${message} > /msg; exec sleep 3600"]
    ports: ["80"]
    volumes: ["/cache"]
    stop_signal: SIGKILL
  job:
    image: busybox
    command: ["sh", "-c", "exit 3"]
`;

describe('berth compose: events, cp, top, port, images, ls, wait, push, ps --filter, -V', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/bcompose-cmds-');
    writeFileSync(join(dir, 'compose.yaml'), file('one'));
  });
  after(async () => {
    await d?.berth(['compose', ...f(), 'down', '-v', '-t', '0']).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const f = (): string[] => ['-p', 'cmds', '-f', join(dir, 'compose.yaml')];
  const compose = (args: string[], timeoutMs = 60_000) => d.berth(['compose', ...f(), ...args], { timeoutMs });

  it('events streams the project\'s container events as JSON', async () => {
    const child = spawn(process.execPath, [BERTH, 'compose', ...f(), 'events', '--json'], { env: { ...process.env, BERTH_HOST: d.host } });
    let out = '';
    const seen = new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (/"action":"start"/.test(out)) resolve();
    }));
    try {
      await new Promise((r) => setTimeout(r, 500));
      const up = await compose(['up', '-d']);
      assert.equal(up.code, 0, up.stderr);
      await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`no start event in: ${out}`)), 20_000))]);
    } finally {
      child.kill();
    }
    const first = JSON.parse(out.split('\n')[0]!) as { type: string; service: string; attributes: Record<string, string> };
    assert.equal(first.type, 'container');
    assert.ok(['app', 'job'].includes(first.service));
    assert.equal(first.attributes['com.docker.compose.project'], 'cmds');
  });

  it('ps --filter: status and source; an unknown key is refused', async () => {
    const running = await compose(['ps', '--filter', 'status=running', '--format', '{{.Service}}']);
    assert.equal(running.stdout, 'app\n', running.stderr);
    const exited = await compose(['ps', '--filter', 'status=stopped', '--format', '{{.Service}}']);
    assert.equal(exited.stdout, 'job\n', exited.stderr);
    const image = await compose(['ps', '-a', '--filter', 'source=image', '--services']);
    assert.equal(image.stdout, 'app\njob\n');
    const built = await compose(['ps', '-a', '--filter', 'source=build', '--services']);
    assert.equal(built.stdout, '');
    const bad = await compose(['ps', '--filter', 'colour=red']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'colour'/);
  });

  it('cp copies out of and into a service container', async () => {
    const out = await compose(['cp', 'app:/msg', join(dir, 'msg')]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(readFileSync(join(dir, 'msg'), 'utf8'), 'one\n');
    writeFileSync(join(dir, 'in.txt'), 'into the container\n');
    const into = await compose(['cp', join(dir, 'in.txt'), 'app:/in.txt']);
    assert.equal(into.code, 0, into.stderr);
    const back = await d.docker(['exec', 'cmds-app-1', 'cat', '/in.txt']);
    assert.equal(back.stdout, 'into the container\n');
  });

  it('top, port and images describe the service containers', async () => {
    const top = await compose(['top', 'app']);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /^cmds-app-1\n/);
    assert.match(top.stdout, /PID/);
    assert.match(top.stdout, /sleep 3600/);
    const port = await compose(['port', 'app', '80']);
    assert.equal(port.code, 0, port.stderr);
    assert.match(port.stdout, /^[\d.:]+:\d+\n$/);
    const none = await compose(['port', 'app', '81']);
    assert.notEqual(none.code, 0);
    const images = await compose(['images']);
    assert.equal(images.code, 0, images.stderr);
    assert.match(images.stdout, /^CONTAINER +REPOSITORY +TAG +IMAGE ID\n/);
    assert.match(images.stdout, /cmds-app-1 +busybox +latest +[0-9a-f]{12}\n/);
    const json = JSON.parse((await compose(['images', '--format', 'json', 'job'])).stdout) as { ContainerName: string }[];
    assert.deepEqual(json.map((r) => r.ContainerName), ['cmds-job-1']);
  });

  it('ls lists the project with its states and file', async () => {
    const ls = await d.berth(['compose', 'ls', '--format', 'json']);
    const rows = JSON.parse(ls.stdout) as { Name: string; Status: string; ConfigFiles: string }[];
    const row = rows.find((r) => r.Name === 'cmds');
    assert.ok(row, ls.stdout);
    assert.match(row.Status, /running\(1\)/);
    assert.match(row.Status, /exited\(1\)/);
    assert.equal(row.ConfigFiles, join(dir, 'compose.yaml'));
    const all = await d.berth(['compose', 'ls', '-q']);
    assert.match(all.stdout, /^cmds$/m);
  });

  it('wait prints the exit code of a stopped service and returns it', async () => {
    const w = await compose(['wait', 'job']);
    assert.equal(w.stdout, '3\n');
    assert.equal(w.code, 3);
  });

  it('a recreated container keeps its anonymous volume; up -V renews it', async () => {
    const volumeOf = async (): Promise<string> =>
      (await d.docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/cache"}}{{.Name}}{{end}}{{end}}', 'cmds-app-1'])).stdout.trim();
    const before = await volumeOf();
    assert.match(before, /^[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'compose.yaml'), file('two'));
    const up = await compose(['up', '-d', 'app']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Container cmds-app-1 +Recreated/);
    assert.equal(await volumeOf(), before);
    const renew = await compose(['up', '-d', '--force-recreate', '-V', 'app']);
    assert.equal(renew.code, 0, renew.stderr);
    const after = await volumeOf();
    assert.match(after, /^[0-9a-f]{64}$/);
    assert.notEqual(after, before);
    // The old volume was mounted by name into the recreated container, so, as with docker, it is no
    // longer that container's anonymous volume and outlives it (compose v2 leaves it too).
  });

  it('push sends the service images to a registry', async (t) => {
    const reg = await startRegistry(t, tempDir(t));
    const host = new URL(reg.url).host;
    writeFileSync(join(dir, 'push.yaml'), `services:\n  app:\n    image: ${host}/cmds/app:1\n  plain:\n    image: busybox\n    profiles: [never]\n`);
    const tag = await d.docker(['tag', 'busybox', `${host}/cmds/app:1`]);
    assert.equal(tag.code, 0, tag.stderr);
    const push = await d.berth(['compose', '-p', 'cmdspush', '-f', join(dir, 'push.yaml'), 'push'], { timeoutMs: 120_000 });
    assert.equal(push.code, 0, push.stderr);
    const tags = await (await fetch(`${reg.url}/v2/cmds/app/tags/list`)).json() as { tags: string[] };
    assert.deepEqual(tags.tags, ['1']);
  });
});
