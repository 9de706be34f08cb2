// Starting the daemon on demand: a real child process that opens the socket a little later.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiClient } from '../../../src/client/api-client.js';
import { parseHost } from '../../../src/client/host.js';
import { berthdPath, ensureDaemon } from '../../../src/cli/daemon-autostart.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-autostart-'));
const pids: number[] = [];

after(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('daemon autostart', () => {
  it('finds bin/berthd next to bin/berth', () => {
    assert.match(berthdPath(), /\/bin\/berthd$/);
    assert.ok(existsSync(berthdPath()));
  });

  it('spawns the daemon, logs to the run dir and waits for /_ping', async () => {
    const runDir = join(dir, 'run');
    const sock = join(runDir, 'berth.sock');
    const script = join(dir, 'fake-daemon.mjs');
    writeFileSync(script, `
      import { createServer } from 'node:http';
      import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid));
      console.log('daemon starting');
      setTimeout(() => {
        createServer((req, res) => { res.writeHead(200, { 'API-Version': '1.47' }); res.end('OK'); }).listen(${JSON.stringify(sock)});
      }, 300);
      setTimeout(() => process.exit(0), 20000).unref();
    `);
    const client = new ApiClient(parseHost(`unix://${sock}`));
    try {
      await ensureDaemon(client, { command: [process.execPath, script] });
      pids.push(Number(readFileSync(join(dir, 'pid'), 'utf8')));
      assert.equal(await client.apiVersion(), '1.47');
      assert.match(readFileSync(join(runDir, 'berthd.log'), 'utf8'), /daemon starting/);
    } finally {
      client.close();
    }
  });

  it('reports a daemon that dies before answering, with the log path', async () => {
    const sock = join(dir, 'run2', 'berth.sock');
    const client = new ApiClient(parseHost(`unix://${sock}`));
    try {
      await assert.rejects(ensureDaemon(client, { command: [process.execPath, '-e', 'console.error("no way"); process.exit(3)'] }),
        /berthd exited \(3\) before it answered on unix:\/\/.*run2\/berth\.sock; see .*run2\/berthd\.log/);
      assert.match(readFileSync(join(dir, 'run2', 'berthd.log'), 'utf8'), /no way/);
    } finally {
      client.close();
    }
  });
});
