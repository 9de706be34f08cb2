// Security flags of `docker run`, checked by their effect inside the container: capabilities,
// no-new-privileges, seccomp profiles, devices, groups, sysctls, --privileged, masked paths, --userns.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { api, inspect } from './flag-support.js';

describe('security flags take effect', () => {
  let d: TestDaemon;
  let tmp: string;
  before(async () => {
    d = await startTestDaemon();
    tmp = mkdtempSync('/tmp/bt-secflags-');
  });
  after(async () => {
    await d?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[]) => d.docker(['run', '--rm', ...args]);

  it('--cap-drop takes a capability away, --cap-add gives one, ALL means all', async () => {
    const chown = await run(['--cap-drop', 'CHOWN', 'busybox', 'sh', '-c', 'touch /f; chown 1:1 /f']);
    assert.notEqual(chown.code, 0);
    assert.match(chown.stderr, /chown: \/f: Operation not permitted/);
    assert.equal((await run(['busybox', 'sh', '-c', 'touch /f; chown 1:1 /f'])).code, 0);
    const none = await run(['--cap-drop', 'ALL', 'busybox', 'grep', '^Cap[EPB]', '/proc/self/status']);
    assert.deepEqual(none.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]), ['0000000000000000', '0000000000000000', '0000000000000000']);
    const all = await run(['--cap-add', 'ALL', 'busybox', 'grep', '^CapEff', '/proc/self/status']);
    const privileged = await run(['--privileged', 'busybox', 'grep', '^CapEff', '/proc/self/status']);
    assert.equal(all.stdout, privileged.stdout);
    assert.notEqual(all.stdout, (await run(['busybox', 'grep', '^CapEff', '/proc/self/status'])).stdout);
    // NET_ADMIN: configuring an interface works only with it.
    const denied = await run(['busybox', 'ip', 'addr', 'add', '10.9.9.9/32', 'dev', 'lo']);
    assert.match(denied.stderr, /Operation not permitted/);
    const netAdmin = await run(['--cap-add', 'NET_ADMIN', 'busybox', 'sh', '-c', 'ip addr add 10.9.9.9/32 dev lo && ip -o addr show lo']);
    assert.equal(netAdmin.code, 0, netAdmin.stderr);
    assert.match(netAdmin.stdout, /inet 10\.9\.9\.9\/32/);
  });

  it('--security-opt no-new-privileges sets NoNewPrivs', async () => {
    assert.match((await run(['--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])).stdout, /NoNewPrivs:\s+1/);
    assert.match((await run(['--security-opt', 'no-new-privileges=false', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])).stdout, /NoNewPrivs:\s+0/);
    assert.match((await run(['busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])).stdout, /NoNewPrivs:\s+0/);
  });

  it('--security-opt seccomp=unconfined turns the filter off; seccomp=<file> applies that profile', async () => {
    assert.match((await run(['busybox', 'grep', '^Seccomp:', '/proc/self/status'])).stdout, /Seccomp:\s+2/);
    assert.match((await run(['--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])).stdout, /Seccomp:\s+0/);
    const profile = join(tmp, 'no-mkdir.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const r = await run(['--security-opt', `seccomp=${profile}`, 'busybox', 'sh', '-c', 'touch /made-file && mkdir /made-dir']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /mkdir: can't create directory '\/made-dir': Operation not permitted/);
  });

  it('--device maps a host device under a new name with the permissions asked', { skip: !existsSync('/dev/loop0') && 'no /dev/loop0' }, async () => {
    const r = await run(['--device', '/dev/loop0:/dev/xloop:r', 'busybox', 'sh', '-c',
      'ls -l /dev/xloop; dd if=/dev/xloop of=/dev/null count=1 2>/dev/null && echo READ; echo x > /dev/xloop && echo WROTE']);
    assert.match(r.stdout, /^b.* 7,\s+0 .* \/dev\/xloop$/m);
    assert.match(r.stdout, /^READ$/m);
    assert.doesNotMatch(r.stdout, /WROTE/);
    assert.match(r.stderr, /can't create \/dev\/xloop: Operation not permitted/);
    const null2 = await run(['--device', '/dev/null:/dev/xnull', 'busybox', 'sh', '-c', 'echo x > /dev/xnull && ls -l /dev/xnull']);
    assert.match(null2.stdout, /^c.* 1,\s+3 .* \/dev\/xnull$/m);
    const missing = await run(['--device', '/dev/nope-nothing', 'busybox', 'true']);
    assert.equal(missing.code, 127); // the docker CLI's code for a start error saying "no such file or directory"
    assert.match(missing.stderr, /error gathering device information while adding custom device "\/dev\/nope-nothing": no such file or directory/);
  });

  it('--device-cgroup-rule lets the container use a device it makes', async () => {
    const script = 'mknod /dev/l0 b 7 0 && dd if=/dev/l0 of=/dev/null count=1 2>/dev/null && echo READ';
    assert.equal((await run(['--device-cgroup-rule', 'b 7:* rmw', 'busybox', 'sh', '-c', script])).stdout, 'READ\n');
    const denied = await run(['busybox', 'sh', '-c', script]);
    assert.equal(denied.stdout, ''); // the default rules allow mknod (m) but not reading it
    assert.notEqual(denied.code, 0);
  });

  it('--pid, --uts and --cgroupns host share the host namespaces', async () => {
    assert.equal((await run(['busybox', 'sh', '-c', 'ps -o pid= | head -1'])).stdout.trim(), '1');
    const hostPid = await run(['--pid', 'host', 'busybox', 'cat', '/proc/1/cmdline']);
    assert.equal(hostPid.stdout, readFileSync('/proc/1/cmdline', 'utf8'));
    assert.equal((await run(['--uts', 'host', 'busybox', 'hostname'])).stdout.trim(), hostname());
    const own = await run(['--cgroupns', 'private', 'busybox', 'grep', 'memory', '/proc/self/cgroup']);
    assert.match(own.stdout, /:memory:\/$/m);
    const shared = await run(['--cgroupns', 'host', 'busybox', 'grep', 'memory', '/proc/self/cgroup']);
    assert.match(shared.stdout, new RegExp(`:memory:/berth-${d.tag}/[0-9a-f]{64}$`, 'm'));
  });

  it('--group-add adds supplementary groups', async () => {
    const r = await run(['--group-add', '1234', '--group-add', '5', 'busybox', 'id', '-G']);
    const groups = r.stdout.trim().split(' ');
    assert.ok(groups.includes('1234') && groups.includes('5'), r.stdout);
  });

  it('--sysctl sets a namespaced sysctl; a host-wide one is refused with the runtime\'s error', async () => {
    assert.equal((await run(['--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'cat', '/proc/sys/net/ipv4/ip_forward'])).stdout, '1\n');
    assert.equal((await run(['--sysctl', 'net.ipv4.ip_forward=0', 'busybox', 'cat', '/proc/sys/net/ipv4/ip_forward'])).stdout, '0\n');
    // The docker CLI refuses kernel.panic itself; the API answers as dockerd does, at start.
    const created = await api(d, 'POST', '/containers/create?name=panic', { Image: 'busybox', Cmd: ['true'], HostConfig: { Sysctls: { 'kernel.panic': '1' } } });
    assert.equal(created.status, 201, created.body);
    const started = await api(d, 'POST', '/containers/panic/start');
    assert.ok(started.status >= 400, started.body);
    assert.match(JSON.parse(started.body).message, /sysctl "kernel.panic" is not in a separate kernel namespace/);
    const host = await run(['--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'true']);
    assert.equal(host.code, 125);
    assert.match(host.stderr, /sysctl "net.ipv4.ip_forward" not allowed in host network namespace/);
    await d.docker(['rm', '-f', 'panic']);
  });

  it('masks /proc and /sys paths and makes /proc/sys read-only; --privileged and systempaths=unconfined do not', async () => {
    const masked = await run(['busybox', 'sh', '-c', 'ls /sys/firmware | wc -l; cat /proc/timer_list /proc/keys 2>/dev/null | wc -c; echo 1 > /proc/sys/kernel/shm_rmid_forced']);
    assert.equal(masked.stdout, '0\n0\n');
    assert.match(masked.stderr, /Read-only file system/);
    for (const flag of ['--privileged', '--security-opt=systempaths=unconfined']) {
      const open = await run([flag, 'busybox', 'sh', '-c', 'ls /sys/firmware | wc -l; echo 0 > /proc/sys/kernel/shm_rmid_forced && echo WROTE']);
      assert.notEqual(open.stdout.split('\n')[0], '0', `${flag}: ${open.stdout}`);
      assert.match(open.stdout, /WROTE/, flag);
    }
    const priv = await run(['--privileged', 'busybox', 'sh', '-c', 'test -b /dev/loop0 && echo DEV; grep Seccomp: /proc/self/status']);
    if (existsSync('/dev/loop0')) assert.match(priv.stdout, /DEV/);
    assert.match(priv.stdout, /Seccomp:\s+0/);
  });

  it('create refuses bad settings with dockerd\'s messages, leaving no container', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--cap-add', 'NOPE'], /invalid CapAdd: unknown capability: "CAP_NOPE"/],
      [['--cap-drop', 'NOPE'], /invalid CapDrop: unknown capability: "CAP_NOPE"/],
      [['--security-opt', 'foo=bar'], /invalid --security-opt 2: "foo=bar"/],
      [['--ipc', 'nonsense'], /invalid IPC mode: nonsense/],
      [['--oom-score-adj', '2000'], /Invalid value 2000, range for oom score adj is \[-1000, 1000\]/],
    ];
    for (const [flags, message] of cases) {
      const r = await d.docker(['create', '--name', 'refused', ...flags, 'busybox']);
      assert.notEqual(r.code, 0, flags.join(' '));
      assert.match(r.stderr, message);
    }
    assert.equal((await d.docker(['ps', '-aq', '--filter', 'name=refused'])).stdout, '');
  });

  it('--userns host keeps the host user namespace', async () => {
    const r = await run(['--userns', 'host', 'busybox', 'cat', '/proc/self/uid_map']);
    assert.match(r.stdout, /^\s*0\s+0\s+4294967295\n$/);
    await d.docker(['create', '--name', 'uh', '--userns', 'host', 'busybox']);
    assert.equal(await inspect(d, 'uh', '{{.HostConfig.UsernsMode}}'), 'host');
    await d.docker(['rm', 'uh']);
  });
});
