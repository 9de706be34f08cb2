// Real containers: specs from generateSpec run by runc on a busybox rootfs, checked from inside.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canRunRunc, RuncHarness } from './bundle.js';
import { capabilityMask, DEFAULT_CAPABILITIES, readHostBoundingSet } from '../../../src/runtime/capabilities.js';

const skip = canRunRunc() ? false : 'needs root, runc and busybox-static';

/** Lines `key=value` printed by a script, as a map. */
function values(out: string): Record<string, string> {
  const v: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(line);
    if (m) v[m[1] as string] = m[2] as string;
  }
  return v;
}

const hex = (mask: bigint) => mask.toString(16).padStart(16, '0');

describe('runc runs generated specs', { skip }, () => {
  let h: RuncHarness;
  before(() => {
    h = new RuncHarness();
  });
  after(() => h?.cleanup());

  const sh = (script: string) => ({ Cmd: ['sh', '-c', script] });

  it('confines a default container', async () => {
    const r = await h.run({
      config: sh([
        'mount -t tmpfs none /mnt 2>/dev/null; echo mount=$?',
        'echo timer_list=$(wc -c < /proc/timer_list)',
        'echo 1 > /proc/sys/kernel/shmmax 2>/dev/null; echo proc_sys_write=$?',
        'unshare -U true 2>/dev/null; echo unshare_user=$?',
        'unshare -n true 2>/dev/null; echo unshare_net=$?',
        'echo cap_eff=$(grep CapEff /proc/self/status | cut -f2)',
        'echo cap_bnd=$(grep CapBnd /proc/self/status | cut -f2)',
        'echo seccomp=$(grep ^Seccomp: /proc/self/status | cut -f2)',
        'echo id=$(id)',
        'echo hostname=$(hostname)',
        'echo home=$HOME',
        'echo nofile=$(ulimit -n)',
        'echo shm=$(df -k /dev/shm | tail -1 | awk "{print \\$2}")',
        'touch /rootfs-write && echo rootfs_write=ok',
        'ls /dev > /dev/null; echo devnull=$(echo x > /dev/null && echo ok)',
      ].join('; ')),
      hostConfig: {},
    });
    assert.equal(r.code, 0, r.stderr);
    const v = values(r.stdout);
    assert.notEqual(v.mount, '0', 'mount must fail');
    assert.equal(v.timer_list, '0', '/proc/timer_list is masked');
    assert.notEqual(v.proc_sys_write, '0', '/proc/sys is read-only');
    assert.notEqual(v.unshare_user, '0', 'no user namespaces');
    assert.notEqual(v.unshare_net, '0', 'no network namespaces');
    assert.equal(v.cap_eff, hex(capabilityMask(DEFAULT_CAPABILITIES)));
    assert.equal(v.cap_bnd, hex(capabilityMask(DEFAULT_CAPABILITIES)));
    assert.equal(v.seccomp, '2');
    assert.equal(v.id, 'uid=0(root) gid=0(root) groups=0(root),10(wheel)');
    assert.equal(v.hostname, r.spec.hostname);
    assert.equal(v.home, '/root');
    const hostNofile = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    assert.equal(v.nofile, hostNofile === 'unlimited' || Number(hostNofile) > 1048576 ? '1048576' : hostNofile);
    assert.equal(v.shm, '65536');
    assert.equal(v.rootfs_write, 'ok');
    assert.equal(v.devnull, 'ok');
  });

  it('runs as the resolved user with its groups', async () => {
    const r = await h.run({
      config: { ...sh('echo id=$(id); echo home=$HOME; echo cwd=$(pwd); echo cap_eff=$(grep CapEff /proc/self/status | cut -f2)'), User: 'alice', WorkingDir: '/srv/appdir' },
      hostConfig: { GroupAdd: ['staff'] },
    });
    assert.equal(r.code, 0, r.stderr);
    const v = values(r.stdout);
    assert.equal(v.id, 'uid=1000(alice) gid=1000(alice) groups=10(wheel),29(audio),50(staff),1000(alice)');
    assert.equal(v.home, '/home/alice');
    assert.equal(v.cwd, '/srv/appdir');
    assert.equal(v.cap_eff, '0000000000000000');
    const numeric = await h.run({ config: { ...sh('echo id=$(id)'), User: '4242:4343' }, hostConfig: {} });
    assert.equal(values(numeric.stdout).id, 'uid=4242 gid=4343 groups=4343');
  });

  it('lets a privileged container mount, with every capability the host has', async () => {
    const r = await h.run({
      config: sh([
        'mount -t tmpfs none /mnt && echo mount=ok && umount /mnt',
        'echo cap_eff=$(grep CapEff /proc/self/status | cut -f2)',
        'echo seccomp=$(grep ^Seccomp: /proc/self/status | cut -f2)',
        'echo timer_list=$(wc -c < /proc/timer_list)',
        'grep " /sys sysfs" /proc/mounts | grep -q "rw," && echo sys=rw',
      ].join('; ')),
      hostConfig: { Privileged: true },
    });
    assert.equal(r.code, 0, r.stderr);
    const v = values(r.stdout);
    assert.equal(v.mount, 'ok');
    assert.equal(v.cap_eff, hex(readHostBoundingSet() & capabilityMask(r.spec.process?.capabilities?.bounding ?? [])));
    assert.equal(BigInt(`0x${v.cap_eff}`), readHostBoundingSet() & ((1n << 41n) - 1n));
    assert.equal(v.seccomp, '0');
    assert.notEqual(v.timer_list, '0');
    assert.equal(v.sys, 'rw');
  });

  it('lets CAP_SYS_ADMIN mount through seccomp, and seccomp=unconfined unshare', async () => {
    const admin = await h.run({ config: sh('mount -t tmpfs none /mnt && echo mount=ok'), hostConfig: { CapAdd: ['SYS_ADMIN'] } });
    assert.equal(values(admin.stdout).mount, 'ok', admin.stderr);
    const unconfined = await h.run({ config: sh('unshare -U true && echo unshare_user=ok'), hostConfig: { SecurityOpt: ['seccomp=unconfined'] } });
    assert.equal(values(unconfined.stdout).unshare_user, 'ok', unconfined.stderr);
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    const own = await h.run({ config: sh('mkdir /tmp/x 2>&1; echo mkdir=$?'), hostConfig: { SecurityOpt: [`seccomp=${JSON.stringify(profile)}`] } });
    assert.match(own.stdout, /Permission denied/);
    assert.equal(values(own.stdout).mkdir, '1');
  });

  it('keeps a read-only rootfs read-only, with writable tmpfs and binds placed', async () => {
    const data = join(h.dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'hello.txt'), 'hello from the host\n');
    const r = await h.run({
      config: sh([
        'touch /x 2>/dev/null; echo rootfs_write=$?',
        'touch /tmp/x && echo tmp_write=ok',
        'touch /dev/shm/x && echo shm_write=ok',
        'echo data=$(cat /data/hello.txt)',
        'touch /data/new 2>/dev/null; echo data_write=$?',
        'echo tmp_opts=$(grep " /tmp " /proc/mounts | cut -d" " -f4)',
      ].join('; ')),
      hostConfig: { ReadonlyRootfs: true, Tmpfs: { '/tmp': 'size=1m' } },
      mounts: [{ type: 'bind', source: data, destination: '/data', readOnly: true }],
    });
    assert.equal(r.code, 0, r.stderr);
    const v = values(r.stdout);
    assert.equal(v.rootfs_write, '1');
    assert.equal(v.tmp_write, 'ok');
    assert.equal(v.shm_write, 'ok');
    assert.equal(v.data, 'hello from the host');
    assert.equal(v.data_write, '1');
    assert.match(v.tmp_opts ?? '', /^rw,nosuid,nodev,noexec,.*size=1024k/);
  });

  it('applies cgroup limits, sysctls, ulimits and devices', async () => {
    const r = await h.run({
      config: sh([
        'echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)',
        'echo memsw=$(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null)',
        'echo quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)',
        'echo pids=$(cat /sys/fs/cgroup/pids/pids.max)',
        'echo ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)',
        'echo shmmax=$(cat /proc/sys/kernel/shmmax)',
        'echo nofile=$(ulimit -n)',
        'echo nofile_hard=$(ulimit -Hn)',
        'echo nproc=$(ulimit -u)',
        'echo mynull=$(echo x > /dev/mynull && echo ok)',
        'head -c 1 /dev/mem > /dev/null 2>&1; echo mem_dev=$?',
      ].join('; ')),
      hostConfig: {
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        PidsLimit: 50,
        Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '123456789' },
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 500, Hard: 600 }],
        Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rwm' }],
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const v = values(r.stdout);
    assert.equal(v.mem, String(64 * 1024 * 1024));
    if (v.memsw) assert.equal(v.memsw, String(128 * 1024 * 1024));
    assert.equal(v.quota, '50000');
    assert.equal(v.pids, '50');
    assert.equal(v.ip_forward, '1');
    assert.equal(v.shmmax, '123456789');
    assert.equal(v.nofile, '1024');
    assert.equal(v.nofile_hard, '2048');
    assert.equal(v.nproc, '500');
    assert.equal(v.mynull, 'ok');
    assert.notEqual(v.mem_dev, '0');
  });

  it('shares the host\'s namespaces when asked, and sets the domain name otherwise', async () => {
    const shared = await h.run({
      config: sh('echo hostname=$(hostname); echo pid1=$(cat /proc/1/comm); echo lo_only=$(ls /sys/class/net | tr "\\n" " ")'),
      hostConfig: { PidMode: 'host', UTSMode: 'host' },
      netns: 'host',
    });
    assert.equal(shared.code, 0, shared.stderr);
    const v = values(shared.stdout);
    assert.equal(v.hostname, hostname());
    assert.equal(v.pid1, readFileSync('/proc/1/comm', 'utf8').trim());
    const own = await h.run({
      config: { ...sh('echo hostname=$(hostname); echo domain=$(cat /proc/sys/kernel/domainname); echo pid1=$(cat /proc/1/comm); echo nets=$(ls /sys/class/net)'), Hostname: 'web', Domainname: 'example.org' },
      hostConfig: {},
    });
    assert.equal(own.code, 0, own.stderr);
    const w = values(own.stdout);
    assert.deepEqual([w.hostname, w.domain, w.pid1, w.nets], ['web', 'example.org', 'sh', 'lo']);
  });

  it('starts with --init, --ipc none, a tmpfs /dev and a private cgroup namespace', async () => {
    if (existsSync('/usr/bin/tini-static')) {
      const init = await h.run({ config: sh('echo pid1=$(cat /proc/1/cmdline | tr "\\0" " ")'), hostConfig: { Init: true }, initPath: '/usr/bin/tini-static' });
      assert.equal(init.code, 0, init.stderr);
      assert.match(values(init.stdout).pid1 ?? '', /^\/sbin\/docker-init -- sh -c /);
    }
    const noIpc = await h.run({ config: sh('test -e /dev/shm; echo shm=$?'), hostConfig: { IpcMode: 'none' } });
    assert.equal(values(noIpc.stdout).shm, '1', noIpc.stderr);
    const dev = await h.run({ config: sh('echo x > /dev/null && echo null=ok; test -e /dev/pts; echo pts=$?'), hostConfig: { Tmpfs: { '/dev': 'size=1m' } } });
    assert.deepEqual([values(dev.stdout).null, values(dev.stdout).pts], ['ok', '1'], dev.stderr);
    const cgns = await h.run({ config: sh('echo cg=$(grep memory /proc/self/cgroup | cut -d: -f3)'), hostConfig: { CgroupnsMode: 'private' } });
    assert.equal(values(cgns.stdout).cg, '/', cgns.stderr);
  });

  describe('with lxcfs', { skip: existsSync('/usr/bin/lxcfs') ? false : 'lxcfs is not installed' }, () => {
    let mountPoint = '';
    let lxcfs: ReturnType<typeof spawn> | undefined;
    before(async () => {
      mountPoint = join(h.dir, 'lxcfs');
      mkdirSync(mountPoint);
      lxcfs = spawn('/usr/bin/lxcfs', ['-f', '-p', join(h.dir, 'lxcfs.pid'), mountPoint], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(join(mountPoint, 'proc/meminfo')); i++) await sleep(50);
    });
    after(async () => {
      if (lxcfs && lxcfs.exitCode === null) {
        const exited = new Promise((resolve) => lxcfs!.once('exit', resolve));
        lxcfs.kill('SIGTERM');
        await Promise.race([exited, sleep(3000)]);
      }
      if (mountPoint && readFileSync('/proc/self/mounts', 'utf8').includes(` ${mountPoint} `)) {
        spawnSync('umount', ['-l', mountPoint]);
      }
    });

    it('shows the container\'s memory and CPUs in /proc', async () => {
      assert.ok(existsSync(join(mountPoint, 'proc/meminfo')), 'lxcfs came up');
      const r = await h.run({
        config: sh('echo mem=$(grep MemTotal /proc/meminfo | tr -s " "); echo online=$(cat /sys/devices/system/cpu/online)'),
        hostConfig: { Memory: 64 * 1024 * 1024, CpusetCpus: '0' },
        lxcfs: { mountPoint },
      });
      assert.equal(r.code, 0, r.stderr);
      const v = values(r.stdout);
      assert.equal(v.mem, 'MemTotal: 65536 kB');
      assert.equal(v.online, '0');
    });
  });
});
