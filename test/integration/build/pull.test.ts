// Base images from a registry (a CNCF registry on loopback): pulled when missing, re-pulled with
// --pull, the local copy used otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { RegistryProcess } from '../../support/registry-process.js';
import { dockerBuild, runIn } from './harness.js';

describe('build base images from a registry', () => {
  let d: TestDaemon;
  let reg: RegistryProcess;
  let dir: string;
  before(async () => {
    reg = await new RegistryProcess().start();
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/berth-build-pull-');
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await d?.stop();
    await reg?.stop();
    await reg?.cleanup();
  });

  const publish = async (marker: string): Promise<void> => {
    const b = await dockerBuild(d, ['-t', `${reg.host}/base:1`, '-'], `FROM busybox\nRUN echo ${marker} > /marker\n`);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const p = await d.docker(['push', `${reg.host}/base:1`], { timeoutMs: 60_000 });
    assert.equal(p.code, 0, p.stderr);
  };

  it('pulls a missing base image, and again only with --pull', async () => {
    await publish('first');
    assert.equal((await d.docker(['rmi', `${reg.host}/base:1`])).code, 0);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${reg.host}/base:1\nRUN cat /marker > /seen\n`);
    const b = await dockerBuild(d, ['-t', 'pulled', dir]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.equal(await runIn(d, 'pulled', 'cat /seen'), 'first\n');

    // A newer image under the same tag: a plain build keeps the local copy, --pull fetches it.
    await publish('second');
    const tagged = await d.docker(['tag', 'pulled', `${reg.host}/base:1`]);
    assert.equal(tagged.code, 0);
    const local = await dockerBuild(d, ['-t', 'kept', '-'], `FROM ${reg.host}/base:1\nRUN cat /marker > /seen2\n`);
    assert.equal(local.code, 0, local.stdout + local.stderr);
    assert.equal(await runIn(d, 'kept', 'cat /seen2'), 'first\n');
    const pulled = await dockerBuild(d, ['--pull', '-t', 'repulled', '-'], `FROM ${reg.host}/base:1\nRUN cat /marker > /seen3\n`);
    assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
    assert.equal(await runIn(d, 'repulled', 'cat /seen3'), 'second\n');
  });

  it('pulls a private base image with the credentials the CLI sends (X-Registry-Config)', async () => {
    const secured = await new RegistryProcess({ htpasswd: { username: 'builder', password: 'pa55word' } }).start();
    const config = mkdtempSync('/tmp/berth-build-dockercfg-');
    const env = { DOCKER_CONFIG: config };
    try {
      const login = await d.docker(['login', '-u', 'builder', '--password-stdin', secured.host], { input: 'pa55word\n', env });
      assert.equal(login.code, 0, login.stderr);
      const b = await dockerBuild(d, ['-t', `${secured.host}/private:1`, '-'], 'FROM busybox\nRUN echo private > /marker\n');
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.equal((await d.docker(['push', `${secured.host}/private:1`], { env, timeoutMs: 60_000 })).code, 0);
      assert.equal((await d.docker(['rmi', `${secured.host}/private:1`])).code, 0);
      const built = await d.docker(['build', '-t', 'from-private', '-'], { input: `FROM ${secured.host}/private:1\nRUN cat /marker > /seen\n`, env: { ...env, DOCKER_BUILDKIT: '0' }, timeoutMs: 60_000 });
      assert.equal(built.code, 0, built.stdout + built.stderr);
      assert.equal(await runIn(d, 'from-private', 'cat /seen'), 'private\n');
    } finally {
      rmSync(config, { recursive: true, force: true });
      await secured.stop();
      await secured.cleanup();
    }
  });

  it('a base image nobody has: a clear error', async () => {
    const b = await dockerBuild(d, ['-'], `FROM ${reg.host}/nothing-here:1\nRUN true\n`);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /not found|does not exist|manifest unknown/i);
  });
});
