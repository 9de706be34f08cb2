import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSpec } from '../../../src/runtime/spec/generate-spec.js';
import type { GenerateSpecInput, SpecHostConfig, SpecContainerConfig } from '../../../src/runtime/spec/spec-input.js';
import { specToJson } from '../../../src/runtime/spec/spec-json.js';
import type { RuntimeSpec } from '../../../src/runtime/spec/runtime-spec.js';
import { DEFAULT_CAPABILITIES } from '../../../src/runtime/capabilities.js';
import { makeRootfs } from './bundle.js';
import { fakeHost } from './fake-host.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-gen-'));
const rootfs = makeRootfs(dir, false);
after(() => rmSync(dir, { recursive: true, force: true }));

const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function gen(config: SpecContainerConfig = {}, hostConfig: SpecHostConfig = {}, extra: Partial<GenerateSpecInput> = {}, host = fakeHost()) {
  return generateSpec({ id: ID, rootfs, cgroupsPath: `/berth/${ID}`, config: { Cmd: ['sh'], ...config }, hostConfig, ...extra }, host);
}

const mount = (spec: RuntimeSpec, dest: string) => spec.mounts?.find((m) => m.destination === dest);

describe('generateSpec: process', () => {
  it('joins Entrypoint and Cmd, and refuses an empty command', async () => {
    const { spec } = await gen({ Entrypoint: ['/bin/tini', '--'], Cmd: ['echo', 'hi'] });
    assert.deepEqual(spec.process?.args, ['/bin/tini', '--', 'echo', 'hi']);
    await assert.rejects(gen({ Cmd: [], Entrypoint: null }), { name: 'InvalidArgumentError', message: 'No command specified' });
  });

  it('sets PATH, HOSTNAME, HOME, TERM with a tty, and lets Env override or unset', async () => {
    const { spec } = await gen({ Tty: true, Env: ['FOO=bar', 'PATH=/x'] });
    assert.deepEqual(spec.process?.env, ['PATH=/x', `HOSTNAME=${ID.slice(0, 12)}`, 'TERM=xterm', 'FOO=bar', 'HOME=/root']);
    assert.equal(spec.process?.terminal, true);
    const plain = (await gen({ Env: ['HOME=/h', 'HOSTNAME'] })).spec;
    assert.deepEqual(plain.process?.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/h']);
    assert.equal(plain.process?.terminal, false);
  });

  it('resolves the user in the rootfs with supplementary and added groups', async () => {
    const { spec } = await gen({ User: 'alice' }, { GroupAdd: ['staff', '4000'] });
    assert.deepEqual(spec.process?.user, { uid: 1000, gid: 1000, additionalGids: [1000, 10, 29, 50, 4000] });
    assert.ok(spec.process?.env?.includes('HOME=/home/alice'));
    await assert.rejects(gen({ User: 'foo' }), { message: 'unable to find user foo: no matching entries in passwd file' });
  });

  it('makes a missing working directory owned by the user and refuses a relative one', async () => {
    const { spec } = await gen({ User: '1000:1000', WorkingDir: '/srv/app/' });
    assert.equal(spec.process?.cwd, '/srv/app');
    const st = statSync(join(rootfs, 'srv/app'));
    assert.ok(st.isDirectory());
    assert.equal(st.uid, 1000);
    assert.equal((await gen()).spec.process?.cwd, '/');
    await assert.rejects(gen({ WorkingDir: 'rel' }), /the working directory 'rel' is invalid, it needs to be an absolute path/);
  });

  it('sets no-new-privileges, oom score and console size', async () => {
    const { spec } = await gen({ Tty: true }, { SecurityOpt: ['no-new-privileges'], OomScoreAdj: 500, ConsoleSize: [40, 120] });
    assert.equal(spec.process?.noNewPrivileges, true);
    assert.equal(spec.process?.oomScoreAdj, 500);
    assert.deepEqual(spec.process?.consoleSize, { height: 40, width: 120 });
    assert.equal((await gen({}, { SecurityOpt: ['no-new-privileges=false'] })).spec.process?.noNewPrivileges, false);
    await assert.rejects(gen({}, { OomScoreAdj: 2000 }), /range for oom score adj is \[-1000, 1000\]/);
    await assert.rejects(gen({}, { SecurityOpt: ['bogus=1'] }), /invalid --security-opt 2/);
  });

  it('wraps the command with the init for --init', async () => {
    const { spec } = await gen({ Cmd: ['top'] }, { Init: true }, { initPath: '/usr/bin/tini-static' });
    assert.deepEqual(spec.process?.args, ['/sbin/docker-init', '--', 'top']);
    assert.deepEqual(mount(spec, '/sbin/docker-init'), {
      destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini-static', options: ['rbind', 'ro', 'rprivate'],
    });
  });
});

describe('generateSpec: capabilities', () => {
  it('gives docker\'s default set', async () => {
    const caps = (await gen()).spec.process?.capabilities;
    assert.deepEqual(caps?.bounding, [...DEFAULT_CAPABILITIES]);
    assert.deepEqual(caps?.effective, [...DEFAULT_CAPABILITIES]);
    assert.deepEqual(caps?.permitted, [...DEFAULT_CAPABILITIES]);
    assert.equal(caps?.inheritable, undefined);
  });

  it('applies --cap-add and --cap-drop in any spelling', async () => {
    const caps = (await gen({}, { CapAdd: ['net_admin', 'CAP_SYS_PTRACE'], CapDrop: ['Chown', 'cap_net_raw'] })).spec.process?.capabilities?.bounding;
    assert.ok(caps?.includes('CAP_NET_ADMIN') && caps.includes('CAP_SYS_PTRACE'));
    assert.ok(!caps?.includes('CAP_CHOWN') && !caps?.includes('CAP_NET_RAW'));
    const only = (await gen({}, { CapDrop: ['ALL'], CapAdd: ['kill'] })).spec.process?.capabilities?.bounding;
    assert.deepEqual(only, ['CAP_KILL']);
    const most = (await gen({}, { CapAdd: ['all'], CapDrop: ['sys_admin'] })).spec.process?.capabilities?.bounding;
    assert.ok(most?.includes('CAP_SYS_MODULE') && !most.includes('CAP_SYS_ADMIN'));
    await assert.rejects(gen({}, { CapAdd: ['foo'] }), { name: 'InvalidArgumentError', message: 'unknown capability: "CAP_FOO"' });
  });

  it('never asks for a capability the host lacks', async () => {
    const priv = (await gen({}, { Privileged: true })).spec.process?.capabilities?.bounding;
    assert.equal(priv?.length, 40);
    assert.ok(!priv?.includes('CAP_SYS_RESOURCE'));
    assert.ok(priv?.includes('CAP_SYS_ADMIN') && priv.includes('CAP_CHECKPOINT_RESTORE'));
    const { spec, warnings } = await gen({}, { CapAdd: ['SYS_RESOURCE'] });
    assert.ok(!spec.process?.capabilities?.bounding?.includes('CAP_SYS_RESOURCE'));
    assert.match(warnings.join('\n'), /CAP_SYS_RESOURCE is not available/);
    const all = (await gen({}, { CapAdd: ['ALL'] })).spec.process?.capabilities?.bounding;
    assert.ok(!all?.includes('CAP_SYS_RESOURCE'));
    const other = (await gen({}, { Privileged: true }, { hostCapabilities: 0b111n })).spec.process?.capabilities?.bounding;
    assert.deepEqual(other, ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH']);
  });
});

describe('generateSpec: mounts', () => {
  it('has docker\'s default mounts', async () => {
    const { spec } = await gen();
    assert.deepEqual(spec.mounts?.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
    assert.deepEqual(mount(spec, '/dev'), { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] });
    assert.deepEqual(mount(spec, '/dev/pts')?.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    assert.deepEqual(mount(spec, '/sys')?.options, ['nosuid', 'noexec', 'nodev', 'ro']);
    assert.deepEqual(mount(spec, '/sys/fs/cgroup')?.options, ['ro', 'nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(spec, '/dev/shm'), { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] });
    assert.equal(spec.root?.readonly, false);
    assert.equal(spec.root?.path, rootfs);
  });

  it('sizes /dev/shm, drops it for --ipc none and binds the host\'s for --ipc host', async () => {
    assert.ok(mount((await gen({}, { ShmSize: 1 << 30 })).spec, '/dev/shm')?.options?.includes('size=1073741824'));
    assert.equal(mount((await gen({}, { IpcMode: 'none' })).spec, '/dev/shm'), undefined);
    assert.deepEqual(mount((await gen({}, { IpcMode: 'host' })).spec, '/dev/shm')?.source, '/dev/shm');
  });

  it('makes /sys and cgroups writable when privileged', async () => {
    const { spec } = await gen({}, { Privileged: true });
    assert.ok(!mount(spec, '/sys')?.options?.includes('ro'));
    assert.ok(!mount(spec, '/sys/fs/cgroup')?.options?.includes('ro'));
  });

  it('places the caller\'s mounts, parents first, replacing defaults', async () => {
    const { spec } = await gen({}, { ReadonlyRootfs: true }, {
      mounts: [
        { type: 'bind', source: '/host/data/sub', destination: '/data/sub', readOnly: true },
        { type: 'bind', source: '/host/data', destination: '/data', propagation: 'rslave' },
        { type: 'bind', source: '/run/berth/x/hosts', destination: '/etc/hosts' },
        { type: 'tmpfs', destination: '/dev/shm', options: ['size=1m'] },
      ],
    });
    const dests = spec.mounts?.map((m) => m.destination);
    assert.deepEqual(dests, ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/data', '/data/sub', '/etc/hosts', '/dev/shm']);
    assert.deepEqual(mount(spec, '/data/sub'), { destination: '/data/sub', type: 'bind', source: '/host/data/sub', options: ['rbind', 'ro', 'rprivate'] });
    assert.deepEqual(mount(spec, '/data')?.options, ['rbind', 'rslave']);
    assert.equal(spec.linux?.rootfsPropagation, 'rslave');
    assert.deepEqual(mount(spec, '/dev/shm')?.options, ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1m']);
    assert.equal(spec.root?.readonly, true);
    assert.ok(mount(spec, '/sys')?.options?.includes('ro'));
    assert.ok(!mount(spec, '/dev/mqueue')?.options?.includes('ro'));
    await assert.rejects(gen({}, {}, { mounts: [{ type: 'bind', source: '/a', destination: '/x' }, { type: 'bind', source: '/b', destination: '/x/' }] }), /Duplicate mount point: \/x/);
  });

  it('turns --tmpfs into tmpfs mounts whose options override the defaults', async () => {
    const { spec } = await gen({}, { Tmpfs: { '/run': 'exec,size=64m,mode=1777', '/tmp': '' } });
    assert.deepEqual(mount(spec, '/run'), { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'rprivate', 'exec', 'size=64m', 'mode=1777'] });
    assert.deepEqual(mount(spec, '/tmp')?.options, ['noexec', 'nosuid', 'nodev', 'rprivate']);
    await assert.rejects(gen({}, { Tmpfs: { '/x': 'bogus=1' } }), /Invalid tmpfs option/);
  });

  it('binds the lxcfs files that exist', async () => {
    const lx = join(dir, 'lxcfs');
    mkdirSync(join(lx, 'proc'), { recursive: true });
    mkdirSync(join(lx, 'sys/devices/system/cpu'), { recursive: true });
    for (const f of ['proc/meminfo', 'proc/uptime', 'sys/devices/system/cpu/online']) writeFileSync(join(lx, f), '');
    const { spec } = await gen({}, {}, { lxcfs: { mountPoint: lx } });
    assert.deepEqual(spec.mounts?.slice(7).map((m) => [m.destination, m.source, m.type]), [
      ['/proc/meminfo', join(lx, 'proc/meminfo'), 'bind'],
      ['/proc/uptime', join(lx, 'proc/uptime'), 'bind'],
      ['/sys/devices/system/cpu/online', join(lx, 'sys/devices/system/cpu/online'), 'bind'],
    ]);
  });
});

describe('generateSpec: namespaces, hostname, paths', () => {
  it('makes private namespaces and no cgroup namespace on cgroup v1', async () => {
    const { spec } = await gen();
    assert.deepEqual(spec.linux?.namespaces, [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }]);
    assert.equal(spec.hostname, ID.slice(0, 12));
    const v2 = (await gen({}, {}, {}, fakeHost({ cgroupV2: true }))).spec;
    assert.ok(v2.linux?.namespaces?.some((n) => n.type === 'cgroup'));
    const priv = (await gen({}, { CgroupnsMode: 'private' })).spec;
    assert.ok(priv.linux?.namespaces?.some((n) => n.type === 'cgroup'));
  });

  it('shares the host\'s namespaces when asked, and joins given ones', async () => {
    const { spec } = await gen({ Hostname: 'web', Domainname: 'example.org' }, { PidMode: 'host', IpcMode: 'host', UTSMode: 'host' }, { netns: 'host' });
    assert.deepEqual(spec.linux?.namespaces, [{ type: 'mount' }]);
    assert.equal(spec.hostname, undefined);
    assert.equal(spec.linux?.sysctl, undefined);
    const net = (await gen({}, {}, { netns: 'host' })).spec;
    assert.equal(net.hostname, 'testhost');
    const byMode = (await gen({}, { NetworkMode: 'host' })).spec;
    assert.ok(!byMode.linux?.namespaces?.some((n) => n.type === 'network'));
    assert.equal(byMode.hostname, 'testhost');
    const joined = (await gen({ Hostname: 'web', Domainname: 'example.org' }, { PidMode: 'container:abc' }, { netns: { path: '/run/netns/x' }, joinNamespaces: { pid: '/proc/42/ns/pid' } })).spec;
    assert.deepEqual(joined.linux?.namespaces?.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/x' });
    assert.deepEqual(joined.linux?.namespaces?.find((n) => n.type === 'pid'), { type: 'pid', path: '/proc/42/ns/pid' });
    assert.equal(joined.hostname, 'web');
    assert.deepEqual(joined.linux?.sysctl, { 'kernel.domainname': 'example.org' });
    await assert.rejects(gen({}, { PidMode: 'container:abc' }), /no namespace path given/);
  });

  it('masks and write-protects docker\'s /proc and /sys paths, unless privileged', async () => {
    const { spec } = await gen();
    assert.deepEqual(spec.linux?.maskedPaths, [
      '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
      '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
    ]);
    assert.deepEqual(spec.linux?.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    const priv = (await gen({}, { Privileged: true })).spec;
    assert.deepEqual([priv.linux?.maskedPaths, priv.linux?.readonlyPaths], [[], []]);
    const own = (await gen({}, { MaskedPaths: ['/proc/x'], ReadonlyPaths: [] })).spec;
    assert.deepEqual([own.linux?.maskedPaths, own.linux?.readonlyPaths], [['/proc/x'], []]);
    const sp = (await gen({}, { SecurityOpt: ['systempaths=unconfined'] })).spec;
    assert.deepEqual(sp.linux?.maskedPaths, []);
  });

  it('passes annotations and the cgroups path', async () => {
    const { spec } = await gen({}, { Annotations: { 'io.example/a': 'b' } });
    assert.deepEqual(spec.annotations, { 'io.example/a': 'b' });
    assert.equal(spec.linux?.cgroupsPath, `/berth/${ID}`);
    assert.equal(spec.ociVersion, '1.0.2-dev');
    assert.equal(spec.hooks, undefined);
  });
});

describe('generateSpec: devices', () => {
  it('denies all but docker\'s default devices', async () => {
    const rules = (await gen()).spec.linux?.resources?.devices;
    assert.deepEqual(rules?.[0], { allow: false, access: 'rwm' });
    const allowed = rules?.slice(1).map((r) => `${r.type} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access}`);
    assert.deepEqual(allowed, ['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:1 rwm', 'c 5:2 rwm', 'c 136:* rwm', 'c 10:200 rwm']);
  });

  it('adds host devices with --device, rules with --device-cgroup-rule', async () => {
    const { spec } = await gen({}, { Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' }], DeviceCgroupRules: ['c 13:* rwm'] });
    const d = spec.linux?.devices?.[0];
    assert.equal(d?.path, '/dev/mynull');
    assert.deepEqual([d?.type, d?.major, d?.minor], ['c', 1, 3]);
    const rules = spec.linux?.resources?.devices ?? [];
    assert.deepEqual(rules.slice(-2), [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }, { allow: true, type: 'c', major: 13, access: 'rwm' }]);
    await assert.rejects(gen({}, { Devices: [{ PathOnHost: '/dev/nonexistent' }] }), {
      message: 'error gathering device information while adding custom device "/dev/nonexistent": no such file or directory',
    });
    await assert.rejects(gen({}, { Devices: [{ PathOnHost: '/etc/hostname' }] }), /not a device node/);
    await assert.rejects(gen({}, { Devices: [{ PathOnHost: '/dev/null', CgroupPermissions: 'rwx' }] }), /bad mode specified: rwx/);
    await assert.rejects(gen({}, { DeviceCgroupRules: ['x 1:2 r'] }), /invalid device cgroup rule format: 'x 1:2 r'/);
  });

  it('gives a privileged container every host device and no device restrictions', async () => {
    const { spec } = await gen({}, { Privileged: true });
    assert.deepEqual(spec.linux?.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assert.ok(spec.linux?.devices?.some((d) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
    assert.ok(!spec.linux?.devices?.some((d) => d.path.startsWith('/dev/pts/') || d.path === '/dev/console'));
  });
});

describe('generateSpec: sysctls', () => {
  it('takes namespaced sysctls and refuses the rest like runc', async () => {
    const { spec } = await gen({}, { Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000000', 'fs.mqueue.msg_max': '20', 'kernel.domainname': 'x' } });
    assert.deepEqual(spec.linux?.sysctl, { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000000', 'fs.mqueue.msg_max': '20', 'kernel.domainname': 'x' });
    await assert.rejects(gen({}, { Sysctls: { 'vm.swappiness': '1' } }), { message: 'sysctl "vm.swappiness" is not in a separate kernel namespace' });
    await assert.rejects(gen({}, { Sysctls: { 'net.ipv4.ip_forward': '1' } }, { netns: 'host' }), { message: 'sysctl "net.ipv4.ip_forward" not allowed in host network namespace' });
    await assert.rejects(gen({}, { IpcMode: 'host', Sysctls: { 'kernel.msgmax': '1' } }), /not allowed in the hosts ipc namespace/);
    await assert.rejects(gen({}, { Sysctls: { 'kernel.hostname': 'x' } }), /conflicts with the OCI "hostname" field/);
  });
});

describe('generateSpec: resources', () => {
  it('maps memory settings with docker\'s swap default', async () => {
    const mem = (await gen({}, { Memory: 64 << 20, MemoryReservation: 32 << 20, MemorySwappiness: 10, OomKillDisable: true, KernelMemory: 1 << 24 })).spec.linux?.resources?.memory;
    assert.deepEqual(mem, { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 10, disableOOMKiller: true });
    assert.equal((await gen({}, { Memory: 64 << 20, MemorySwap: -1 })).spec.linux?.resources?.memory?.swap, -1);
    assert.equal((await gen({}, { Memory: 64 << 20, MemorySwap: 100 << 20 })).spec.linux?.resources?.memory?.swap, 100 << 20);
    const noSwap = await gen({}, { Memory: 64 << 20 }, {}, fakeHost({ cgroup: { ...fakeHost().cgroup, swapLimit: false } }));
    assert.equal(noSwap.spec.linux?.resources?.memory?.swap, undefined);
    assert.match(noSwap.warnings[0] ?? '', /does not support swap limit/);
    await assert.rejects(gen({}, { Memory: 1 << 20 }), /Minimum memory limit allowed is 6MB/);
    await assert.rejects(gen({}, { Memory: 64 << 20, MemorySwap: 32 << 20 }), /Minimum memoryswap limit should be larger than memory limit/);
    await assert.rejects(gen({}, { MemorySwap: 32 << 20 }), /You should always set the Memory limit when using Memoryswap limit/);
    await assert.rejects(gen({}, { Memory: 16 << 20, MemoryReservation: 32 << 20 }), /can not be less than memory reservation/);
    await assert.rejects(gen({}, { MemorySwappiness: 101 }), /valid memory swappiness range is 0-100/);
  });

  it('maps CPU settings', async () => {
    assert.deepEqual((await gen({}, { NanoCpus: 1.5e9, CpuShares: 512 })).spec.linux?.resources?.cpu, { shares: 512, period: 100000, quota: 150000 });
    assert.deepEqual((await gen({}, { CpuPeriod: 50000, CpuQuota: 25000, CpusetCpus: '0-1', CpusetMems: '0' })).spec.linux?.resources?.cpu, {
      period: 50000, quota: 25000, cpus: '0-1', mems: '0',
    });
    await assert.rejects(gen({}, { NanoCpus: 1e9, CpuQuota: 1000 }), /Conflicting options: Nano CPUs and CPU Quota cannot both be set/);
    await assert.rejects(gen({}, { NanoCpus: 3e9 }), /Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available/);
    await assert.rejects(gen({}, { CpuPeriod: 500 }), /CPU cfs period can not be less than 1ms/);
    await assert.rejects(gen({}, { CpuQuota: 500 }), /CPU cfs quota can not be less than 1ms/);
    await assert.rejects(gen({}, { CpusetCpus: '0-3' }), /Requested CPUs are not available - requested 0-3, available: 0-1/);
    await assert.rejects(gen({}, { CpusetCpus: 'a' }), /Invalid value a for cpuset cpus/);
  });

  it('maps pids and blkio, dropping what the host lacks', async () => {
    assert.deepEqual((await gen({}, { PidsLimit: 100 })).spec.linux?.resources?.pids, { limit: 100 });
    assert.equal((await gen({}, { PidsLimit: -1 })).spec.linux?.resources?.pids, undefined);
    assert.equal((await gen({}, { PidsLimit: 0 })).spec.linux?.resources?.pids, undefined);
    const w = await gen({}, { BlkioWeight: 300 });
    assert.equal(w.spec.linux?.resources?.blockIO, undefined);
    assert.match(w.warnings.join(), /Weight discarded/);
    const withWeight = await gen({}, { BlkioWeight: 300 }, {}, fakeHost({ cgroup: { ...fakeHost().cgroup, blkioWeight: true } }));
    assert.equal(withWeight.spec.linux?.resources?.blockIO?.weight, 300);
    await assert.rejects(gen({}, { BlkioWeight: 5 }), /Range of blkio weight is from 10 to 1000/);
  });

  it('maps ulimits capped at the host\'s hard limits, nofile by default', async () => {
    assert.deepEqual((await gen()).spec.process?.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 }]);
    const big = await gen({}, {}, {}, fakeHost({ rlimitHard: { RLIMIT_NOFILE: 2n ** 64n - 1n } }));
    assert.deepEqual(big.spec.process?.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 }]);
    const { spec, warnings } = await gen({}, { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 50000 }, { Name: 'core', Soft: -1, Hard: -1 }, { Name: 'nproc', Soft: 100, Hard: 200 }] });
    assert.deepEqual(spec.process?.rlimits, [
      { type: 'RLIMIT_NOFILE', hard: 20000, soft: 1024 },
      { type: 'RLIMIT_CORE', hard: 2n ** 64n - 1n, soft: 2n ** 64n - 1n },
      { type: 'RLIMIT_NPROC', hard: 200, soft: 100 },
    ]);
    assert.match(warnings.join(), /RLIMIT_NOFILE hard limit lowered/);
    assert.match(specToJson(spec), /"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615/);
    await assert.rejects(gen({}, { Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] }), /invalid ulimit type: bogus/);
    await assert.rejects(gen({}, { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }), /ulimit soft limit must be less than or equal to hard limit: 10 > 5/);
  });
});

describe('generateSpec: seccomp', () => {
  it('applies the default profile for x86_64 with capability-gated calls', async () => {
    const sc = (await gen()).spec.linux?.seccomp;
    assert.equal(sc?.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(sc?.defaultErrnoRet, 1);
    assert.deepEqual(sc?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const allowed = new Set(sc?.syscalls?.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names));
    for (const n of ['read', 'write', 'execve', 'ptrace', 'arch_prctl', 'chroot']) assert.ok(allowed.has(n), n);
    for (const n of ['mount', 'umount2', 'kexec_load', 'bpf', 'keyctl', 'add_key', 'request_key', 'setns', 'reboot', 'swapon', 'init_module', 'open_by_handle_at', 'perf_event_open', 'pivot_root', 'acct', 'quotactl', 'userfaultfd', 'iopl', 'settimeofday', 'clock_settime', 'syslog', 'vm86', 'unshare', 'clone']) {
      assert.ok(!allowed.has(n), n);
    }
    const clone = sc?.syscalls?.find((s) => s.names.includes('clone'));
    assert.deepEqual(clone?.args, [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    assert.deepEqual(sc?.syscalls?.find((s) => s.names.includes('clone3'))?.errnoRet, 38);
  });

  it('allows calls back with their capabilities and before 4.8 keeps ptrace out', async () => {
    const names = async (h: SpecHostConfig, host = fakeHost()) =>
      new Set((await gen({}, h, {}, host)).spec.linux?.seccomp?.syscalls?.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names));
    const admin = await names({ CapAdd: ['SYS_ADMIN'] });
    for (const n of ['mount', 'umount2', 'setns', 'unshare', 'clone', 'clone3']) assert.ok(admin.has(n), n);
    assert.ok((await names({ CapAdd: ['SYS_TIME'] })).has('settimeofday'));
    assert.ok((await names({ CapAdd: ['SYS_MODULE'] })).has('init_module'));
    assert.ok(!(await names({}, fakeHost({ kernel: '4.4.0' }))).has('ptrace'));
    assert.ok((await names({ CapAdd: ['SYS_PTRACE'] }, fakeHost({ kernel: '4.4.0' }))).has('ptrace'));
    assert.ok(!(await names({ CapDrop: ['SYS_CHROOT'] })).has('chroot'));
  });

  it('has no seccomp when privileged or unconfined, and converts a given profile', async () => {
    assert.equal((await gen({}, { Privileged: true })).spec.linux?.seccomp, undefined);
    assert.equal((await gen({}, { SecurityOpt: ['seccomp=unconfined'] })).spec.linux?.seccomp, undefined);
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: [] }],
      syscalls: [
        { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { name: 'mkdir', action: 'SCMP_ACT_ERRNO' },
        { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', excludes: { caps: ['CAP_CHOWN'] } },
        { names: ['link'], action: 'SCMP_ACT_ERRNO', includes: { arches: ['arm64'] } },
      ],
    };
    const sc = (await gen({}, { SecurityOpt: [`seccomp=${JSON.stringify(profile)}`] })).spec.linux?.seccomp;
    assert.deepEqual(sc, {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }, { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }],
    });
    const file = join(dir, 'profile.json');
    writeFileSync(file, JSON.stringify(profile));
    assert.equal((await gen({}, { SecurityOpt: [`seccomp=${file}`] })).spec.linux?.seccomp?.defaultAction, 'SCMP_ACT_ALLOW');
    await assert.rejects(gen({}, { SecurityOpt: ['seccomp={bad'] }), /Decoding seccomp profile failed/);
    await assert.rejects(gen({}, { SecurityOpt: [`seccomp=${JSON.stringify({ ...profile, architectures: ['SCMP_ARCH_X86'] })}`] }), /both 'architectures' and 'archMap'/);
  });
});
