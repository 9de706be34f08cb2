// Networking and secure defaults through the real docker CLI against a test berthd.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('networking through berthd', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('resolves containers by name and alias on a user network; another network cannot reach them', async () => {
    assert.equal((await d.docker(['network', 'create', 'front'])).code, 0);
    assert.equal((await d.docker(['network', 'create', 'other'])).code, 0);
    await d.docker(['run', '-d', '--name', 'web', '--network', 'front', '--network-alias', 'www', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const byName = await d.docker(['run', '--rm', '--network', 'front', 'busybox', 'sh', '-c', 'ping -c1 -W2 web >/dev/null && wget -qO- http://www/hostname']);
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.stdout.trim().length, 12);
    const ip = (await d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "front").IPAddress}}', 'web'])).stdout.trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    const other = await d.docker(['run', '--rm', '--network', 'other', 'busybox', 'sh', '-c', `nslookup web >/dev/null 2>&1 && echo resolved; wget -T 2 -qO- http://${ip}/hostname && echo reached; true`]);
    assert.doesNotMatch(other.stdout, /resolved|reached/);
    const ls = await d.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']);
    assert.match(ls.stdout, /^front bridge$/m);
    const inUse = await d.docker(['network', 'rm', 'front']);
    assert.notEqual(inUse.code, 0);
    await d.docker(['rm', '-f', 'web']);
    assert.equal((await d.docker(['network', 'rm', 'front', 'other'])).code, 0);
  });

  it('publishes a port on 127.0.0.1 and refuses the same port twice', async () => {
    const port = await freePort();
    await d.docker(['run', '-d', '--name', 'pub', '-p', `127.0.0.1:${port}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    let body = '';
    for (let i = 0; i < 40 && !body; i++) {
      body = await fetch(`http://127.0.0.1:${port}/hostname`).then((r) => r.text(), () => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(body.trim().length, 12);
    const ps = await d.docker(['ps', '--format', '{{.Ports}}', '--filter', 'name=pub']);
    assert.equal(ps.stdout.trim(), `127.0.0.1:${port}->80/tcp`);
    const port80 = await d.docker(['port', 'pub', '80']);
    assert.equal(port80.stdout.trim(), `127.0.0.1:${port}`);
    const twice = await d.docker(['run', '-d', '--name', 'pub2', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '100']);
    assert.notEqual(twice.code, 0);
    assert.match(twice.stderr, /already allocated|address already in use/);
    await d.docker(['rm', '-f', 'pub', 'pub2']);
  });

  it('none has only lo, host shares the host stack, container: shares a namespace', async () => {
    const none = await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net']);
    assert.deepEqual(none.stdout.split(/\s+/).filter(Boolean), ['lo']);
    const host = await d.docker(['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']);
    assert.ok(host.stdout.split(/\s+/).includes(d.bridge), host.stdout);
    await d.docker(['run', '-d', '--name', 'netowner', 'busybox', 'sleep', '100']);
    const macOwner = (await d.docker(['exec', 'netowner', 'cat', '/sys/class/net/eth0/address'])).stdout.trim();
    const shared = await d.docker(['run', '--rm', '--network', 'container:netowner', 'busybox', 'cat', '/sys/class/net/eth0/address']);
    assert.match(macOwner, /^[0-9a-f:]{17}$/);
    assert.equal(shared.stdout.trim(), macOwner);
    await d.docker(['rm', '-f', 'netowner']);
  });
});

describe('secure defaults through berthd', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('a default container cannot mount, add links, read /proc/kcore, unshare a user ns or load modules', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c',
      'mkdir -p /m; mount -t tmpfs none /m 2>/dev/null && echo MOUNTED; mount -t tmpfs none /m 2>&1 | grep -qiE "denied|not permitted" && echo MOUNT_DENIED; ip link add dummy0 type dummy 2>/dev/null && echo LINKED; ' +
      'head -c1 /proc/kcore 2>/dev/null | wc -c | grep -q "^1$" && echo KCORE; unshare -U true 2>/dev/null && echo UNSHARED; ' +
      'insmod /nonexistent.ko 2>&1 | grep -qi "not permitted" && echo MODULE_DENIED; echo done']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /MOUNTED|LINKED|KCORE|UNSHARED/);
    assert.match(r.stdout, /MOUNT_DENIED/);
    assert.match(r.stdout, /done/);
    const caps = await d.docker(['run', '--rm', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
    assert.match(caps.stdout, /CapEff:\s+00000000a80425fb/);
  });

  it('--privileged can mount', async () => {
    const r = await d.docker(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'mkdir -p /m && mount -t tmpfs none /m && echo MOUNTED']);
    assert.match(r.stdout, /MOUNTED/);
  });
});
