// The same compose file through Debian's docker-compose 1.29 against berthd (its calls and names
// differ from compose v2's: `<project>_<service>_<n>`, networks joined by connect/disconnect on
// created containers), and projects made by one tool seen and removed by the other.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { appFile } from './three-service-app.js';

const DOCKER_COMPOSE = '/usr/bin/docker-compose';

describe('docker-compose 1.29 against berthd', { skip: !existsSync(DOCKER_COMPOSE) && 'docker-compose 1.29 not installed' }, () => {
  let d: TestDaemon;
  let dir: string;
  const file = (): string => join(dir, 'compose.yaml');
  const v1 = (args: string[]) => runProcess(DOCKER_COMPOSE, ['-p', 'v1app', '-f', file(), ...args], { env: { ...process.env, DOCKER_HOST: d.host }, timeoutMs: 180_000 });
  const berth = (args: string[]) => d.berth(['compose', '-p', 'v1app', '-f', file(), ...args], { timeoutMs: 180_000 });
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/bcompose-v1-');
    writeFileSync(file(), appFile());
  });
  after(async () => {
    await v1(['down', '-v', '-t', '1']).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('docker-compose up -d runs the app; berth compose sees it', async () => {
    const up = await v1(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    let logs = '';
    for (let i = 0; i < 40 && !/fetch hello/.test(logs); i++) {
      logs = (await v1(['logs', '--no-color', 'worker'])).stdout;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(logs, /fetch hello/);
    const ps = await berth(['ps', '--format', '{{.Name}} {{.Service}}']);
    assert.equal(ps.stdout, 'v1app_web_1 web\nv1app_worker_1 worker\n', ps.stderr);
  });

  it('a project brought up by berth is listed and removed by docker-compose', async () => {
    const down = await v1(['down', '-t', '1']);
    assert.equal(down.code, 0, down.stderr);
    const up = await berth(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    const ps = await v1(['ps', '--services']);
    assert.deepEqual(ps.stdout.trim().split('\n').sort(), ['migrate', 'web', 'worker']);
    const rm = await v1(['down', '-v', '-t', '1']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await d.docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=v1app'])).stdout, '');
    assert.equal((await d.docker(['volume', 'ls', '-q', '--filter', 'name=v1app_data'])).stdout, '');
  });
});
