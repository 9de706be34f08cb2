// lxcfs across berthd restarts: a SIGTERMed berthd leaves lxcfs serving its running containers, and
// the next berthd adopts it; with no container left it stops lxcfs, and the next one starts its own
// at once (the old one, exiting, holds lxcfs's pid file for seconds). Either way new containers get
// the limit-aware /proc, and a test daemon stopped for good leaves no lxcfs behind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

const skip = !existsSync('/usr/bin/lxcfs') || !existsSync('/dev/fuse') ? 'lxcfs is not installed' : false;

/** The fuse.lxcfs mounts under dir. */
function lxcfsMountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'fuse.lxcfs' && f[1]!.startsWith(`${dir}/`))
    .map((f) => f[1]!);
}

/** Pids of lxcfs processes whose command line names dir. */
function lxcfsPidsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv[0]!.endsWith('lxcfs') && argv.some((a) => a.startsWith(`${dir}/`))) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The first line of /proc/meminfo in a fresh container limited to `memory`. */
async function memTotalIn(d: TestDaemon, memory: string): Promise<string> {
  const r = await d.docker(['run', '--rm', '--memory', memory, 'busybox', 'head', '-1', '/proc/meminfo']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe('lxcfs across berthd restarts', { skip }, () => {
  let d: TestDaemon;
  let dir = '';

  before(async () => {
    d = await startTestDaemon();
    dir = d.dir;
  });
  after(async () => {
    await d?.stop();
  });

  it('adopts the lxcfs its running containers still use', async () => {
    const run = await d.docker(['run', '-d', '--name', 'kept', '--memory', '64m', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
    const before = lxcfsPidsUnder(dir);
    assert.equal(before.length, 1);

    await d.stopDaemon();
    assert.deepEqual(lxcfsPidsUnder(dir), before, 'lxcfs keeps serving the running container');
    d.logs = '';
    await d.start();
    assert.doesNotMatch(d.logs, /lxcfs/);
    assert.deepEqual(lxcfsPidsUnder(dir), before, 'the same lxcfs, adopted');
    assert.match(await memTotalIn(d, '32m'), /^MemTotal:\s+32768 kB$/);
    const kept = await d.docker(['exec', 'kept', 'head', '-1', '/proc/meminfo']);
    assert.match(kept.stdout.trim(), /^MemTotal:\s+65536 kB$/, kept.stderr);
  });

  it('stops lxcfs with the last container gone, and a quick restart starts a new one', async () => {
    const rm = await d.docker(['rm', '-f', 'kept']);
    assert.equal(rm.code, 0, rm.stderr);
    const old = lxcfsPidsUnder(dir);

    await d.stopDaemon();
    assert.deepEqual(lxcfsPidsUnder(dir), [], 'lxcfs ended with berthd');
    assert.deepEqual(lxcfsMountsUnder(dir), []);
    d.logs = '';
    await d.start();
    assert.doesNotMatch(d.logs, /lxcfs/);
    const now = lxcfsPidsUnder(dir);
    assert.equal(now.length, 1);
    assert.notDeepEqual(now, old);
    assert.match(await memTotalIn(d, '48m'), /^MemTotal:\s+49152 kB$/);
  });

  it('leaves no lxcfs and no mount when the test daemon stops for good', async () => {
    const run = await d.docker(['run', '-d', '--memory', '64m', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
    await d.stop();
    assert.deepEqual(lxcfsPidsUnder(dir), []);
    assert.deepEqual(lxcfsMountsUnder(dir), []);
    assert.equal(existsSync(dir), false);
  });
});
