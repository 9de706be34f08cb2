// Resource flags of `docker run`/`docker update`, checked by their effect: the values the container's
// own cgroups show (/sys/fs/cgroup inside it), what its processes can do, and docker's warnings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { eventsOf, inspect, nowSeconds, until } from './flag-support.js';

const MiB = 1024 * 1024;

/** Whether the blkio hierarchy's root has a weight file (docker's test for --blkio-weight support). */
function hostTakesBlkioWeight(): boolean {
  return existsSync('/sys/fs/cgroup/blkio/blkio.weight') || existsSync('/sys/fs/cgroup/blkio/blkio.bfq.weight');
}

/** The block device holding / (a whole disk or partition node under /dev), for the throttle flags. */
function rootDisk(): { path: string; numbers: string } | undefined {
  const dev = statSync('/').dev;
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  const name = readFileSync('/proc/partitions', 'utf8').split('\n').map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === String(major) && f[1] === String(minor))?.[3];
  return name && existsSync(`/dev/${name}`) ? { path: `/dev/${name}`, numbers: `${major}:${minor}` } : undefined;
}

describe('resource flags take effect', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  /** Runs busybox with `flags` and prints `files` (under /sys/fs/cgroup) one a line. */
  const cgroupValues = async (flags: string[], files: string[]): Promise<string[]> => {
    const r = await d.docker(['run', '--rm', ...flags, 'busybox', 'sh', '-c', files.map((f) => `cat /sys/fs/cgroup/${f}`).join('; ')]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n');
  };

  it('--memory, --memory-swap and --memory-reservation are the memory cgroup limits', async () => {
    const v = await cgroupValues(['-m', '64m', '--memory-swap', '96m', '--memory-reservation', '32m'],
      ['memory/memory.limit_in_bytes', 'memory/memory.memsw.limit_in_bytes', 'memory/memory.soft_limit_in_bytes']);
    assert.deepEqual(v, [String(64 * MiB), String(96 * MiB), String(32 * MiB)]);
    // docker's default swap is as much as the memory; -1 is unlimited.
    assert.deepEqual(await cgroupValues(['-m', '32m'], ['memory/memory.memsw.limit_in_bytes']), [String(64 * MiB)]);
    const unlimited = await cgroupValues(['-m', '32m', '--memory-swap', '-1'], ['memory/memory.memsw.limit_in_bytes']);
    assert.ok(BigInt(unlimited[0]!) > BigInt(1) << BigInt(60), unlimited[0]);
    // A bad limit is refused at create, as docker refuses it, and leaves no container.
    const bad = await d.docker(['create', '--name', 'tiny', '-m', '1m', 'busybox']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Minimum memory limit allowed is 6MB/);
    assert.equal((await d.docker(['inspect', 'tiny'])).code, 1);
  });

  it('--cpus, --cpu-shares, --cpu-quota/--cpu-period and --cpuset-cpus/--cpuset-mems are the cpu cgroups', async () => {
    const v = await cgroupValues(['--cpu-shares', '512', '--cpu-quota', '20000', '--cpu-period', '50000', '--cpuset-cpus', '0', '--cpuset-mems', '0'],
      ['cpu/cpu.shares', 'cpu/cpu.cfs_quota_us', 'cpu/cpu.cfs_period_us', 'cpuset/cpuset.cpus', 'cpuset/cpuset.mems']);
    assert.deepEqual(v, ['512', '20000', '50000', '0', '0']);
    assert.deepEqual(await cgroupValues(['--cpus', '1.5'], ['cpu/cpu.cfs_quota_us', 'cpu/cpu.cfs_period_us']), ['150000', '100000']);
    const r = await d.docker(['run', '--rm', '--cpuset-cpus', '0', 'busybox', 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status']);
    assert.match(r.stdout, /^Cpus_allowed_list:\s+0$/m);
    const absent = await d.docker(['run', '--rm', '--cpuset-cpus', '97', 'busybox', 'true']);
    assert.equal(absent.code, 125);
    assert.match(absent.stderr, /Requested CPUs are not available - requested 97, available: 0/);
  });

  it('--pids-limit caps the processes: a fork beyond it fails', async () => {
    const r = await d.docker(['run', '--rm', '--pids-limit', '4', 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/pids/pids.max; for i in 1 2 3 4 5 6; do sleep 5 & done; echo forked; wait']);
    assert.match(r.stdout, /^4\n/);
    assert.match(r.stderr, /can't fork: Resource temporarily unavailable/);
  });

  it('--blkio-weight is set when the host has a weight file, else dropped with docker\'s warning', async () => {
    const hasWeight = hostTakesBlkioWeight();
    const r = await d.docker(['create', '--name', 'bw', '--blkio-weight', '300', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/blkio/blkio*.weight']);
    assert.equal(r.code, 0, r.stderr);
    if (hasWeight) {
      assert.equal(await inspect(d, 'bw', '{{.HostConfig.BlkioWeight}}'), '300');
      assert.match((await d.docker(['start', '-a', 'bw'])).stdout, /^300$/m);
    } else {
      assert.match(r.stderr, /WARNING: Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\./);
      assert.equal(await inspect(d, 'bw', '{{.HostConfig.BlkioWeight}}'), '0');
    }
    const bad = await d.docker(['run', '--rm', '--blkio-weight', '5', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /Range of blkio weight is from 10 to 1000/);
    await d.docker(['rm', '-f', 'bw']);
  });

  it('--ulimit sets the soft and hard limits the shell sees', async () => {
    const r = await d.docker(['run', '--rm', '--ulimit', 'nofile=1234:2345', '--ulimit', 'nproc=77', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u']);
    assert.equal(r.stdout, '1234\n2345\n77\n');
    const bad = await d.docker(['run', '--rm', '--ulimit', 'nofile=20:10', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /soft limit 20 is greater than hard limit 10|ulimit soft limit must be less than or equal to hard limit/);
  });

  it('--oom-kill-disable sets oom_kill_disable; without --memory docker warns', async () => {
    const v = await cgroupValues(['-m', '32m', '--oom-kill-disable'], ['memory/memory.oom_control']);
    assert.ok(v.includes('oom_kill_disable 1'), v.join(','));
    const r = await d.docker(['create', '--name', 'okd', '--oom-kill-disable', 'busybox']);
    assert.match(r.stderr, /WARNING: OOM killer is disabled for the container, but no memory limit is set/);
    await d.docker(['rm', 'okd']);
  });

  it('--memory-swappiness, --oom-score-adj and the --device-*-bps/iops throttles are applied', async () => {
    const r = await d.docker(['run', '--rm', '-m', '32m', '--memory-swappiness', '10', '--oom-score-adj', '300', 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/memory/memory.swappiness /proc/self/oom_score_adj']);
    assert.equal(r.stdout, '10\n300\n');
    const disk = rootDisk();
    if (!disk || !existsSync('/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device')) return;
    const t = await d.docker(['run', '--rm', '--device-read-bps', `${disk.path}:1mb`, '--device-write-iops', `${disk.path}:100`, 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device /sys/fs/cgroup/blkio/blkio.throttle.write_iops_device']);
    assert.equal(t.stdout, `${disk.numbers} 1048576\n${disk.numbers} 100\n`);
  });

  it('--shm-size is the size of /dev/shm', async () => {
    const r = await d.docker(['run', '--rm', '--shm-size', '16m', 'busybox', 'df', '-k', '/dev/shm']);
    assert.match(r.stdout, /^shm\s+16384\s+0\s+16384\s+0% \/dev\/shm$/m);
    const dflt = await d.docker(['run', '--rm', 'busybox', 'df', '-k', '/dev/shm']);
    assert.match(dflt.stdout, /^shm\s+65536\s/m);
  });

  it('docker update changes the cgroups of a running container, seen from inside it', async () => {
    await d.docker(['run', '-d', '--name', 'upd', '-m', '64m', '--pids-limit', '10', 'busybox', 'sleep', '1000']);
    const r = await d.docker(['update', '--cpu-shares', '256', '--cpuset-cpus', '0', '--memory-reservation', '20m', '--cpu-quota', '30000', '--pids-limit', '-1', 'upd']);
    assert.equal(r.code, 0, r.stderr);
    const inside = await d.docker(['exec', 'upd', 'sh', '-c',
      'cd /sys/fs/cgroup; cat cpu/cpu.shares cpuset/cpuset.cpus memory/memory.soft_limit_in_bytes cpu/cpu.cfs_quota_us pids/pids.max']);
    assert.equal(inside.stdout, `256\n0\n${20 * MiB}\n30000\nmax\n`);
    assert.equal(await inspect(d, 'upd', '{{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuQuota}} {{json .HostConfig.PidsLimit}}'),
      `256 0 ${20 * MiB} 30000 0`);
    // The host checks of create apply: CPUs that exist, a blkio weight only where the host takes one.
    const badCpu = await d.docker(['update', '--cpuset-cpus', '97', 'upd']);
    assert.notEqual(badCpu.code, 0);
    assert.match(badCpu.stderr, /Requested CPUs are not available - requested 97, available: 0/);
    const bw = await d.docker(['update', '--blkio-weight', '300', 'upd']);
    assert.equal(bw.code, 0, bw.stderr);
    if (hostTakesBlkioWeight()) {
      assert.equal((await d.docker(['exec', 'upd', 'sh', '-c', 'cat /sys/fs/cgroup/blkio/blkio*.weight'])).stdout, '300\n');
    } else {
      assert.match(bw.stdout, /Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\./);
      assert.equal(await inspect(d, 'upd', '{{.HostConfig.BlkioWeight}}'), '0');
    }
    await d.docker(['rm', '-f', 'upd']);
  });

  it('reports an oom event when the OOM killer strikes a child while the container lives on', async () => {
    const since = nowSeconds();
    // tail keeps an endless line of /dev/zero in memory: the kernel kills it, the shell goes on.
    const r = await d.docker(['run', '-d', '--name', 'oomlive', '-m', '32m', '--memory-swap', '32m', 'busybox', 'sh', '-c', 'tail /dev/zero; echo survived; sleep 30']);
    assert.equal(r.code, 0, r.stderr);
    await until('the oom event', async () => ((await eventsOf(d, since, ['event=oom', 'container=oomlive'])).length > 0 ? true : undefined), 15_000);
    await until('the shell to go on', async () => ((await d.docker(['logs', 'oomlive'])).stdout.includes('survived') ? true : undefined));
    assert.equal(await inspect(d, 'oomlive', '{{.State.Status}} {{.State.OOMKilled}}'), 'running true');
    await d.docker(['kill', 'oomlive']);
    await until('the exit', async () => ((await inspect(d, 'oomlive', '{{.State.Status}}')) === 'exited' ? true : undefined));
    assert.equal(await inspect(d, 'oomlive', '{{.State.OOMKilled}}'), 'true');
    // One oom for the one kill: none again at the exit.
    assert.deepEqual(await eventsOf(d, since, ['container=oomlive', 'event=oom', 'event=die']), ['oom', 'die']);
    await d.docker(['rm', 'oomlive']);
  });
});
