// A zombie is not alive: a child that exited under a parent that never waits for it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { processAlive } from '../../../src/sys/process-alive.js';

it('tells a live process from a zombie and from no process', async () => {
  // sh starts `true` in the background, then becomes sleep, which never reaps it.
  const parent = spawn('sh', ['-c', 'true & exec sleep 5'], { stdio: 'ignore' });
  try {
    let zombie = 0;
    for (let i = 0; i < 50 && !zombie; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const ps = spawnSync('ps', ['-o', 'pid=,stat=', '--ppid', String(parent.pid)], { encoding: 'utf8' }).stdout.trim();
      const z = ps.split('\n').map((l) => l.trim().split(/\s+/)).find(([, stat]) => stat?.startsWith('Z'));
      if (z) zombie = Number(z[0]);
    }
    assert.ok(zombie > 0, 'a zombie to look at');
    assert.equal(processAlive(zombie), false);
    assert.equal(processAlive(parent.pid!), true);
    assert.equal(processAlive(process.pid), true);
    assert.equal(processAlive(2147483646), false);
    assert.equal(processAlive(0), false);
  } finally {
    parent.kill('SIGKILL');
  }
});
