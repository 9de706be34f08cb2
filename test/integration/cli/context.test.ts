// Contexts shared with the docker CLI: made by one, listed and used by the other, in a config dir
// of the test's own (DOCKER_CONFIG), never the user's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('berth context and docker context share a store', () => {
  let d: TestDaemon;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    d = await startTestDaemon({ busybox: false });
    dir = mkdtempSync('/tmp/bctx-');
    // No host in the environment: the context decides.
    env = { DOCKER_CONFIG: dir, HOME: dir, DOCKER_HOST: '', BERTH_HOST: '' };
  });
  after(async () => {
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses contexts made by docker, and docker uses berth\'s', async () => {
    const mk = await d.docker(['context', 'create', 'from-docker', '--docker', `host=${d.host}`, '--description', 'made by docker'], { env });
    assert.equal(mk.code, 0, mk.stderr);
    const own = await d.berth(['context', 'create', 'from-berth', '--docker', `host=${d.host}`], { env });
    assert.deepEqual(own, { code: 0, stdout: 'from-berth\n', stderr: 'Successfully created context "from-berth"\n' });
    const ps = await d.berth(['--context', 'from-docker', 'ps', '-q'], { env });
    assert.deepEqual(ps, { code: 0, stdout: '', stderr: '' });
    const dps = await d.docker(['--context', 'from-berth', 'version', '-f', '{{.Server.Os}}'], { env });
    assert.equal(dps.stdout, 'linux\n', dps.stderr);
    const bi = await d.berth(['context', 'inspect', 'from-berth'], { env });
    const di = await d.docker(['context', 'inspect', 'from-berth'], { env });
    assert.equal(bi.stdout, di.stdout);
  });

  it('context use writes currentContext, which both CLIs follow', async () => {
    const use = await d.berth(['context', 'use', 'from-docker'], { env });
    assert.deepEqual(use, { code: 0, stdout: 'from-docker\n', stderr: 'Current context is now "from-docker"\n' });
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).currentContext, 'from-docker');
    assert.equal((await d.docker(['context', 'show'], { env })).stdout, 'from-docker\n');
    assert.equal((await d.berth(['ps', '-aq'], { env })).code, 0);
    assert.equal((await d.berth(['context', 'show'], { env: { ...env, DOCKER_CONTEXT: 'from-berth' } })).stdout, 'from-berth\n');
    const ls = await d.berth(['context', 'ls', '--format', '{{.Name}} {{.Current}}'], { env });
    const dls = await d.docker(['context', 'ls', '--format', '{{.Name}} {{.Current}}'], { env });
    assert.equal(ls.stdout, dls.stdout);
    const rm = await d.berth(['context', 'rm', 'from-docker'], { env });
    assert.deepEqual(rm, { code: 1, stdout: '', stderr: 'context "from-docker" is in use, set -f flag to force remove\n' });
    assert.equal((await d.berth(['context', 'use', 'default'], { env })).code, 0);
  });

  it('errors like docker: unknown context, --host with --context, bad names', async () => {
    const r = await d.berth(['--context', 'nope', 'ps'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Failed to initialize: unable to resolve docker endpoint: context "nope": context not found: open .*meta\.json: no such file or directory\n$/);
    const both = await d.berth(['-H', d.host, '--context', 'from-berth', 'ps'], { env });
    assert.equal(both.stderr, 'conflicting options: cannot specify both --host and --context\n');
    const dn = await d.docker(['context', 'create', 'x'], { env });
    const bn = await d.berth(['context', 'create', 'x'], { env });
    assert.equal(bn.stderr, dn.stderr);
    assert.equal(bn.code, dn.code);
  });

  it('exports and imports in docker\'s archive format', async () => {
    const file = join(dir, 'x.dockercontext');
    assert.equal((await d.berth(['context', 'export', 'from-berth', file], { env })).code, 0);
    const imp = await d.docker(['context', 'import', 'imported', file], { env });
    assert.equal(imp.code, 0, imp.stderr);
    const dfile = join(dir, 'y.dockercontext');
    assert.equal((await d.docker(['context', 'export', 'from-docker', dfile], { env })).code, 0);
    const bimp = await d.berth(['context', 'import', 'imported2', dfile], { env });
    assert.equal(bimp.code, 0, bimp.stderr);
    assert.equal((await d.berth(['--context', 'imported2', 'ps', '-q'], { env })).code, 0);
    const rm = await d.berth(['context', 'rm', 'imported', 'imported2', 'nope'], { env });
    assert.deepEqual(rm, { code: 1, stdout: 'imported\nimported2\n', stderr: 'context "nope" does not exist\n' });
  });
});
