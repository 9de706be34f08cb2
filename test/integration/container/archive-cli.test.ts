// The berth CLI's volume, cp, diff, export and commit commands against a test berthd, with the
// same outputs docker's give.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon, runProcess } from '../../support/test-daemon.js';
import { BERTH } from '../../support/repo-paths.js';

describe('berth CLI: volume, cp, diff, export, commit', () => {
  let d: TestDaemon;
  let tmp: string;
  before(async () => {
    d = await startTestDaemon();
    tmp = mkdtempSync('/tmp/bt-cli-files-');
  });
  after(async () => {
    await d?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const berth = async (args: string[]): Promise<string> => {
    const r = await d.berth(args);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('volume commands print what docker prints', async () => {
    assert.equal(await berth(['volume', 'create', '--label', 'k=v', 'clivol']), 'clivol\n');
    assert.equal(await berth(['volume', 'ls']), (await d.docker(['volume', 'ls'])).stdout);
    assert.equal(await berth(['volume', 'ls', '-q', '-f', 'label=k=v']), 'clivol\n');
    assert.equal(await berth(['volume', 'inspect', 'clivol']), (await d.docker(['volume', 'inspect', 'clivol'])).stdout);
    assert.equal(await berth(['volume', 'inspect', '-f', '{{.Labels.k}}', 'clivol']), 'v\n');
    const missing = await d.berth(['volume', 'rm', 'nosuch']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: get nosuch: no such volume\n');
    assert.equal(await berth(['volume', 'rm', 'clivol']), 'clivol\n');
    assert.match(await berth(['volume', 'prune', '-f']), /^Total reclaimed space: 0B\n$/);
  });

  it('cp in and out, diff, export and commit', async () => {
    await berth(['run', '-d', '--name', 'bc1', 'busybox', 'sleep', '600']);
    writeFileSync(join(tmp, 'f.txt'), 'via berth\n');
    await berth(['cp', join(tmp, 'f.txt'), 'bc1:/tmp/']);
    await berth(['exec', 'bc1', 'ln', '-s', '/', '/rootlink']);
    await berth(['cp', join(tmp, 'f.txt'), 'bc1:/rootlink/g.txt']);
    assert.ok(!existsSync('/g.txt'));
    assert.equal(await berth(['exec', 'bc1', 'cat', '/tmp/f.txt', '/g.txt']), 'via berth\nvia berth\n');
    await berth(['cp', 'bc1:/tmp/f.txt', join(tmp, 'back.txt')]);
    assert.equal(readFileSync(join(tmp, 'back.txt'), 'utf8'), 'via berth\n');
    await berth(['cp', 'bc1:/etc', tmp]);
    assert.match(readFileSync(join(tmp, 'etc/passwd'), 'utf8'), /^root:/);
    const diff = await berth(['diff', 'bc1']);
    assert.equal(diff, (await d.docker(['diff', 'bc1'])).stdout);
    assert.match(diff, /^A \/g\.txt$/m);
    const tar = await runProcess('sh', ['-c', `${process.execPath} ${BERTH} export bc1 | tar t`], { env: { ...process.env, BERTH_HOST: d.host } });
    assert.ok(tar.stdout.split('\n').includes('tmp/f.txt'), tar.stderr);
    const id = (await berth(['commit', '-c', 'ENV V=1', 'bc1', 'bcommit:1'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await berth(['run', '--rm', '--entrypoint', 'sh', 'bcommit:1', '-c', 'cat /g.txt; echo $V']), 'via berth\n1\n');
  });
});
