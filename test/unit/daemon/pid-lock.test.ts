// The pid lock: one holder, a stale file taken over, a live one refused, and of many takers at
// once exactly one wins.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquirePidLock } from '../../../src/daemon/pid-lock.js';

describe('acquirePidLock', () => {
  it('takes a free or stale lock, refuses a live one, and releases its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpid-'));
    try {
      const path = join(dir, 'berthd.pid');
      const release = acquirePidLock(path);
      assert.equal(readFileSync(path, 'utf8'), String(process.pid));
      release();
      assert.equal(existsSync(path), false);
      // A pid that cannot be alive: stale.
      writeFileSync(path, '2147483646');
      acquirePidLock(path)();
      // A live process that is not this one (pid 1): refused.
      writeFileSync(path, '1');
      assert.throws(() => acquirePidLock(path), /pid file found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets exactly one of many processes starting at once hold it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpid-'));
    try {
      const path = join(dir, 'berthd.pid');
      writeFileSync(path, '2147483646'); // stale, for all of them to race over
      const mod = new URL('../../../src/daemon/pid-lock.js', import.meta.url).href;
      const script = `import(${JSON.stringify(mod)}).then((m) => { try { m.acquirePidLock(${JSON.stringify(path)}); console.log('won'); setTimeout(() => {}, 1500); } catch { console.log('lost'); } });`;
      const results = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.on('close', () => resolve(out.trim()));
      })));
      assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
