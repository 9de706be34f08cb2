// Starting the daemon on demand: a real child process that opens the socket a little later.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiClient } from '../../../src/client/api-client.js';
import { parseHost } from '../../../src/client/host.js';
import { berthdPath, ensureDaemon } from '../../../src/cli/daemon-autostart.js';
import { until } from '../../support/until.js';

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

  it('waits through connections the starting daemon closes unanswered', async () => {
    const runDir = join(dir, 'run3');
    const sock = join(runDir, 'berth.sock');
    const script = join(dir, 'closing-daemon.mjs');
    // Listens at once, but drops its first connections as a daemon still starting (or stopping) may.
    writeFileSync(script, `
      import { createServer } from 'node:net';
      import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(join(dir, 'pid3'))}, String(process.pid));
      let n = 0;
      createServer((s) => {
        s.on('error', () => undefined);
        if (n++ < 4) return s.destroy();
        s.once('data', () => s.end('HTTP/1.1 200 OK\\r\\nApi-Version: 1.47\\r\\nContent-Length: 2\\r\\n\\r\\nOK'));
      }).listen(${JSON.stringify(sock)});
      setTimeout(() => process.exit(0), 20000).unref();
    `);
    const client = new ApiClient(parseHost(`unix://${sock}`));
    try {
      await ensureDaemon(client, { command: [process.execPath, script] });
      pids.push(Number(readFileSync(join(dir, 'pid3'), 'utf8')));
      assert.equal(await client.apiVersion(), '1.47');
    } finally {
      client.close();
    }
  });

  it('waits for a berthd that holds the pid file instead of starting a second one', async () => {
    const runDir = join(dir, 'run4');
    const sock = join(runDir, 'berth.sock');
    mkdirSync(runDir);
    // Named like berthd (its command line is checked); holds the lock and answers after a while.
    const script = join(dir, 'fake-berthd.mjs');
    writeFileSync(script, `
      import { createServer } from 'node:http';
      import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(join(runDir, 'berthd.pid'))}, String(process.pid));
      setTimeout(() => {
        createServer((req, res) => { res.writeHead(200, { 'API-Version': '1.46' }); res.end('OK'); }).listen(${JSON.stringify(sock)});
      }, 400);
      setTimeout(() => process.exit(0), 20000).unref();
    `);
    const peer = spawn(process.execPath, [script], { stdio: 'ignore' });
    pids.push(peer.pid!);
    await until('the peer to take the pid file', () => (existsSync(join(runDir, 'berthd.pid')) ? true : undefined));
    const client = new ApiClient(parseHost(`unix://${sock}`));
    try {
      // A second daemon would fail on the lock, as this command does.
      await ensureDaemon(client, { command: [process.execPath, '-e', 'console.error("pid file found"); process.exit(1)'] });
      assert.equal(await client.apiVersion(), '1.46');
      assert.equal(existsSync(join(runDir, 'berthd.log')), false, 'nothing was started');
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
