// `berth compose up --rolling`: a client polling the service by name sees no failed request while
// a healthy service is replaced; an update whose health check fails leaves the old one serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

function rollingApp(content: string, healthCommand = 'wget -q -O /dev/null http://127.0.0.1/'): string {
  return `
services:
  web:
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo ${content} > /www/index.html && exec httpd -f -p 80 -h /www"]
    healthcheck:
      test: ["CMD-SHELL", "${healthCommand}"]
      interval: 1s
      timeout: 2s
      retries: 3
  poller:
    image: busybox
    command: ["sh", "-c", "while true; do if r=$$(wget -q -O- http://web/); then echo \\"OK $$r\\"; else echo FAIL; fi; sleep 0.2; done"]
`;
}

describe('berth compose up --rolling', () => {
  let d: TestDaemon;
  let dir: string;
  const file = (): string => join(dir, 'compose.yaml');
  const compose = (args: string[]) => d.berth(['compose', '-p', 'roll', '-f', file(), ...args], { timeoutMs: 180_000 });
  const pollerLines = async (): Promise<string[]> => (await compose(['logs', '--no-log-prefix', 'poller'])).stdout.trim().split('\n');
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/broll-');
    writeFileSync(file(), rollingApp('v1'));
    const up = await compose(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    for (let i = 0; i < 40 && !(await pollerLines()).includes('OK v1'); i++) await new Promise((r) => setTimeout(r, 250));
  });
  after(async () => {
    await compose(['down', '-v', '-t', '1']).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a healthy service without a failed request', async () => {
    const start = (await pollerLines()).length;
    writeFileSync(file(), rollingApp('v2'));
    const up = await compose(['up', '-d', '--rolling', 'web']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Container roll-web-1 +Replaced/);
    let lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines = (await pollerLines()).slice(start);
      if (lines.includes('OK v2')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(lines.includes('OK v2'), lines.join('\n'));
    assert.deepEqual(lines.filter((l) => !l.startsWith('OK')), [], 'no failed request');
    const ps = await compose(['ps', '--format', '{{.Name}}', 'web']);
    assert.equal(ps.stdout, 'roll-web-1\n');
  });

  it('an update whose health check fails leaves the old container serving', async () => {
    writeFileSync(file(), rollingApp('v3', 'exit 1'));
    const up = await compose(['up', '-d', '--rolling', 'web']);
    assert.notEqual(up.code, 0);
    assert.match(up.stderr, /rolling update of roll-web-1 failed, the old container keeps serving: .*unhealthy/);
    await new Promise((r) => setTimeout(r, 1000));
    const last = (await pollerLines()).slice(-3);
    assert.deepEqual(last, ['OK v2', 'OK v2', 'OK v2']);
    const ps = await compose(['ps', '-a', '--format', '{{.Name}} {{.State}}', 'web']);
    assert.equal(ps.stdout, 'roll-web-1 running\n');
  });
});
