// The README's first command, as a new user types it (with the data root, exec root and network
// names moved to a temp dir so it does not touch a berth the machine may already run): set-up,
// then `berth run --rm busybox echo hello` through an auto-started berthd.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, cleanupRoot } from '../../support/test-daemon.js';
import { REPO_ROOT } from '../../support/repo-paths.js';

const ROOT = REPO_ROOT;

it("README's first command installs, makes busybox and prints hello", { timeout: 600_000 }, async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const first = /```sh\n([^\n]*berth run --rm busybox echo hello[^\n]*)\n```/.exec(readme)?.[1];
  assert.ok(first, 'README opens with the set-up-and-run command');
  const dir = mkdtempSync('/tmp/bt-');
  const tag = `rm${process.pid % 1000}`;
  const config = join(dir, 'daemon.json');
  writeFileSync(config, JSON.stringify({ bridge: `b${tag}`, bip: '10.239.0.1/24', 'default-address-pools': [{ base: '10.239.0.0/16', size: 24 }], 'cgroup-parent': `/berth-${tag}`, 'bridge-prefix': `n${tag}`, 'iptables-chain-prefix': `B${tag.toUpperCase()}` }));
  try {
    const r = await runProcess('bash', ['-c', `cd ${ROOT} && ${first}`], {
      timeoutMs: 600_000,
      env: { ...process.env, BERTH_DATA_ROOT: join(dir, 'data'), BERTH_EXEC_ROOT: join(dir, 'run'), BERTH_CONFIG: config, BERTH_HOST: '', DOCKER_HOST: '' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /(^|\n)hello\n$/);
    // Idempotent: a second run is quick and still works.
    const t0 = Date.now();
    const again = await runProcess('bash', ['-c', `cd ${ROOT} && ${first}`], { timeoutMs: 120_000, env: { ...process.env, BERTH_DATA_ROOT: join(dir, 'data'), BERTH_EXEC_ROOT: join(dir, 'run'), BERTH_CONFIG: config, BERTH_HOST: '', DOCKER_HOST: '' } });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /(^|\n)hello\n$/);
    assert.ok(Date.now() - t0 < 60_000);
  } finally {
    await cleanupRoot(dir, tag, `b${tag}`);
  }
});
