// berth with no host named starts berthd on demand: several commands at once on a fresh root share
// one daemon (the others wait for the one holding the pid file instead of failing on it), each
// answers only once the daemon is ready, and the first container gets lxcfs's /proc.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, BUSYBOX_ROOTFS } from '../../support/repo-paths.js';
import { cleanupRoot, runProcess } from '../../support/test-daemon.js';

it('concurrent commands on a fresh root start one berthd and all succeed', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync('/tmp/bt-');
  const tag = `as${process.pid % 1000}`;
  const config = join(dir, 'daemon.json');
  writeFileSync(config, JSON.stringify({ bridge: `b${tag}`, bip: '10.237.0.1/24', 'default-address-pools': [{ base: '10.237.0.0/16', size: 24 }], 'cgroup-parent': `/berth-${tag}`, 'bridge-prefix': `n${tag}`, 'iptables-chain-prefix': `B${tag.toUpperCase()}` }));
  const env = { ...process.env, BERTH_DATA_ROOT: join(dir, 'data'), BERTH_EXEC_ROOT: join(dir, 'run'), BERTH_CONFIG: config, BERTH_HOST: '', DOCKER_HOST: '', DOCKER_CONTEXT: '' };
  const berth = (args: string[], input?: Buffer) => runProcess(process.execPath, [BERTH, ...args], { env, timeoutMs: 60_000, ...(input ? { input } : {}) });
  try {
    const all = await Promise.all([berth(['ps', '-a']), berth(['ps', '-a']), berth(['ps', '-a'])]);
    for (const r of all) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^CONTAINER ID\s+IMAGE/);
    }
    assert.equal(readFileSync(join(dir, 'run', 'berthd.log'), 'utf8').match(/API listening/g)?.length, 1, 'one berthd');

    const tar = execFileSync(process.execPath, [BUSYBOX_ROOTFS], { maxBuffer: 64 << 20 });
    const imported = await berth(['import', '--change', 'CMD ["sh"]', '-', 'busybox:latest'], tar);
    assert.equal(imported.code, 0, imported.stderr);
    const run = await berth(['run', '--rm', '--memory', '64m', 'busybox', 'head', '-1', '/proc/meminfo']);
    assert.equal(run.code, 0, run.stderr);
    if (existsSync('/usr/bin/lxcfs')) assert.match(run.stdout, /^MemTotal:\s+65536 kB\n$/);
  } finally {
    await cleanupRoot(dir, tag, `b${tag}`);
  }
});
