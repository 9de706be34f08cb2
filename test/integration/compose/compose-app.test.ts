// berth compose on real containers: the three-service app (web httpd with a named volume
// and a health check, a one-shot migrate, a worker that waits on both and fetches from web by
// name) through up --wait, ps, logs, exec, run --rm, restart, --scale, an edit, down -v.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { appFile } from './three-service-app.js';

describe('berth compose: the three-service app', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/bcompose-');
    writeFileSync(join(dir, 'compose.yaml'), appFile());
  });
  after(async () => {
    await d?.berth(['compose', '-p', 'app', '-f', join(dir, 'compose.yaml'), 'down', '-v', '-t', '1']).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const f = () => ['-f', join(dir, 'compose.yaml')];

  it('up -d --wait brings the app up in dependency order, healthy', async () => {
    const up = await d.berth(['compose', '-p', 'app', ...f(), 'up', '-d', '--wait'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Network app_default +Created/);
    assert.match(up.stderr, /Volume app_data +Created/);
    assert.match(up.stderr, /Container app-web-1 +Healthy/);
    const ps = await d.berth(['compose', '-p', 'app', ...f(), 'ps', '--format', '{{.Name}} {{.Service}} {{.State}}']);
    assert.equal(ps.stdout, 'app-web-1 web running\napp-worker-1 worker running\n', ps.stderr);
    const all = await d.berth(['compose', '-p', 'app', ...f(), 'ps', '-a', '--services']);
    assert.equal(all.stdout, 'migrate\nweb\nworker\n');
    const labels = await d.docker(['inspect', '-f', '{{index .Config.Labels "com.docker.compose.project"}} {{index .Config.Labels "com.docker.compose.service"}} {{index .Config.Labels "com.docker.compose.container-number"}} {{index .Config.Labels "com.docker.compose.oneoff"}}', 'app-worker-1']);
    assert.equal(labels.stdout, 'app worker 1 False\n');
  });

  it('logs are prefixed per container; the worker reaches web by name', async () => {
    let out = '';
    for (let i = 0; i < 30 && !/worker-1 +\| fetch hello/.test(out); i++) {
      out = (await d.berth(['compose', '-p', 'app', ...f(), 'logs', '--no-color', 'worker', 'migrate'])).stdout;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(out, /worker-1 +\| fetch hello/);
    assert.match(out, /migrate-1 +\| migrated/);
  });

  it('exec and run --rm', async () => {
    const ex = await d.berth(['compose', '-p', 'app', ...f(), 'exec', '-T', 'web', 'cat', '/www/index.html']);
    assert.deepEqual([ex.code, ex.stdout], [0, 'hello\n'], ex.stderr);
    const run = await d.berth(['compose', '-p', 'app', ...f(), 'run', '--rm', '--no-deps', '-T', 'worker', 'wget', '-q', '-O-', 'http://web/'], { timeoutMs: 60_000 });
    assert.deepEqual([run.code, run.stdout], [0, 'hello\n'], run.stderr);
    const left = await d.docker(['ps', '-a', '--filter', 'label=com.docker.compose.oneoff=True', '-q']);
    assert.equal(left.stdout, '');
  });

  it('restart, then up --scale worker=3, then up again recreates nothing', async () => {
    const rs = await d.berth(['compose', '-p', 'app', ...f(), 'restart', '-t', '1', 'worker']);
    assert.equal(rs.code, 0, rs.stderr);
    const sc = await d.berth(['compose', '-p', 'app', ...f(), 'up', '-d', '--scale', 'worker=3'], { timeoutMs: 120_000 });
    assert.equal(sc.code, 0, sc.stderr);
    const ps = await d.berth(['compose', '-p', 'app', ...f(), 'ps', '--format', '{{.Name}}', 'worker']);
    assert.equal(ps.stdout, 'app-worker-1\napp-worker-2\napp-worker-3\n');
    const again = await d.berth(['compose', '-p', 'app', ...f(), 'up', '-d', '--scale', 'worker=3'], { timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Recreate|Created/);
  });

  it('an edit of one service recreates only it and its dependants', async () => {
    const before = await ids(d);
    const edited = appFile('fetched').replace('echo migrated', 'echo migrated v2');
    writeFileSync(join(dir, 'compose.yaml'), edited);
    const up = await d.berth(['compose', '-p', 'app', ...f(), 'up', '-d', '--scale', 'worker=3'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    const after = await ids(d);
    assert.equal(after['app-web-1'], before['app-web-1'], 'web unchanged');
    assert.notEqual(after['app-migrate-1'], before['app-migrate-1'], 'migrate recreated');
    for (const n of [1, 2, 3]) assert.notEqual(after[`app-worker-${n}`], before[`app-worker-${n}`], `worker-${n} recreated (depends on migrate)`);
  });

  it('down -v leaves nothing', async () => {
    const down = await d.berth(['compose', '-p', 'app', ...f(), 'down', '-v', '-t', '1'], { timeoutMs: 120_000 });
    assert.equal(down.code, 0, down.stderr);
    assert.equal((await d.docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=app'])).stdout, '');
    assert.equal((await d.docker(['network', 'ls', '-q', '--filter', 'name=app_default'])).stdout, '');
    assert.equal((await d.docker(['volume', 'ls', '-q', '--filter', 'name=app_data'])).stdout, '');
  });
});

async function ids(d: TestDaemon): Promise<Record<string, string>> {
  const r = await d.docker(['ps', '-a', '--filter', 'label=com.docker.compose.project=app', '--format', '{{.Names}} {{.ID}}']);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
}
