// Pull and push through the real docker CLI against berthd, with a real registry: the CNCF registry
// (docker-registry, htpasswd auth: login, push, pull) and berth's own registry server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { RegistryProcess, freePort } from '../../support/registry-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../support/repo-paths.js';

const ROOT = REPO_ROOT;

describe('docker CLI push/pull through berthd', () => {
  let a: TestDaemon;
  let b: TestDaemon;
  let cncf: RegistryProcess;
  let berthReg: ChildProcess | undefined;
  let berthRegPort = 0;
  let regDir = '';
  const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-dockercfg-'));

  before(async () => {
    [a, b] = await Promise.all([startTestDaemon(), startTestDaemon({ busybox: false })]);
    cncf = await new RegistryProcess({ htpasswd: { username: 'alice', password: 's3cret' } }).start();
    regDir = mkdtempSync(join(tmpdir(), 'berth-reg-'));
    berthRegPort = await freePort();
    berthReg = spawn(process.execPath, [join(ROOT, 'dist/src/registry/server/main.js'), 'serve', '--addr', `127.0.0.1:${berthRegPort}`, '--root', regDir], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`http://127.0.0.1:${berthRegPort}/v2/`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cncf?.cleanup();
    berthReg?.kill('SIGKILL');
    rmSync(regDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: dockerConfig });

  it('logs in, pushes, and pulls back into a fresh daemon (CNCF registry, basic auth)', async () => {
    const bad = await a.docker(['login', '-u', 'alice', '-p', 'wrong', cncf.host], { env: env() });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /401|unauthorized|Unauthorized/);
    const login = await a.docker(['login', '-u', 'alice', '-p', 's3cret', cncf.host], { env: env() });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    const ref = `${cncf.host}/team/box:1`;
    await a.docker(['tag', 'busybox', ref]);
    const push = await a.docker(['push', ref], { env: env() });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1];
    await b.docker(['login', '-u', 'alice', '-p', 's3cret', cncf.host], { env: env() });
    const pull = await b.docker(['pull', ref], { env: env() });
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    const run = await b.docker(['run', '--rm', ref, 'echo', 'pulled']);
    assert.equal(run.stdout, 'pulled\n');
    // pushing the pulled image again keeps its digest
    const again = await b.docker(['push', ref], { env: env() });
    assert.match(again.stdout, new RegExp(`digest: ${digest}`));
  });

  it('pushes to and pulls from berth registry', async () => {
    const ref = `127.0.0.1:${berthRegPort}/lib/bb:2`;
    await a.docker(['tag', 'busybox', ref]);
    const push = await a.docker(['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    const pull = await b.docker(['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await b.docker(['run', '--rm', ref, 'echo', 'from-berth-registry']);
    assert.equal(run.stdout, 'from-berth-registry\n');
  });

  it('run pulls a missing image implicitly', async () => {
    const ref = `127.0.0.1:${berthRegPort}/lib/implicit:1`;
    await a.docker(['tag', 'busybox', ref]);
    await a.docker(['push', ref]);
    const run = await b.docker(['run', '--rm', ref, 'echo', 'implicit']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'implicit\n');
    assert.match(run.stderr, /Unable to find image|Pulling from/);
  });
});
