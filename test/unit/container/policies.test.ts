// The pure parts of restart policies, health checks, stats and update: docker's rules as functions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff, policyWantsRestart, validateRestartPolicy } from '../../../src/container/restart-policy.js';
import { healthSettings, mergeHealthcheck, nextHealth, HEALTH_LOG_MAX } from '../../../src/container/health-policy.js';
import { parseBlkio, parseKeyValues, parseNetDev, parseProcStat } from '../../../src/container/stats-sample.js';
import { planUpdate } from '../../../src/container/update-resources.js';
import { statsRow } from '../../../src/cli/commands/stats.js';
import { ConflictError, InvalidArgumentError } from '../../../src/errors.js';

describe('restart policy', () => {
  const exit = (exitCode: number, restartCount = 0, manuallyStopped = false) => ({ exitCode, restartCount, manuallyStopped });

  it('follows docker for each policy', () => {
    assert.equal(policyWantsRestart(undefined, exit(1)), false);
    assert.equal(policyWantsRestart({ Name: 'no' }, exit(1)), false);
    assert.equal(policyWantsRestart({ Name: 'always' }, exit(0)), true);
    assert.equal(policyWantsRestart({ Name: 'always' }, exit(0, 0, true)), true);
    assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, exit(0)), true);
    assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, exit(0, 0, true)), false);
    assert.equal(policyWantsRestart({ Name: 'on-failure' }, exit(0)), false);
    assert.equal(policyWantsRestart({ Name: 'on-failure' }, exit(1, 100)), true);
    assert.equal(policyWantsRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, exit(1, 1)), true);
    assert.equal(policyWantsRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, exit(1, 2)), false);
  });

  it('validates like the daemon', () => {
    assert.equal(validateRestartPolicy({ Name: 'always' }), undefined);
    assert.match(validateRestartPolicy({ Name: 'sometimes' })!, /unknown policy 'sometimes'/);
    assert.match(validateRestartPolicy({ Name: 'always', MaximumRetryCount: 3 })!, /only be used with 'on-failure'/);
    assert.match(validateRestartPolicy({ Name: 'on-failure', MaximumRetryCount: -1 })!, /cannot be negative/);
  });

  it('backs off from 100 ms, doubling to a minute, and starts over after a 10 s run', () => {
    const b = new RestartBackoff();
    assert.deepEqual([b.next(5), b.next(5), b.next(5), b.next(5)], [100, 200, 400, 800]);
    for (let i = 0; i < 20; i++) b.next(5);
    assert.equal(b.next(5), 60_000);
    assert.equal(b.next(10_000), 100);
  });
});

describe('health checks', () => {
  const settings = healthSettings({ Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 2, StartPeriod: 5e9 } })!;

  it('reads the HEALTHCHECK config with docker defaults', () => {
    assert.deepEqual(settings.test, ['/bin/sh', '-c', 'true']);
    assert.equal(settings.intervalMs, 1000);
    assert.equal(settings.timeoutMs, 30_000);
    assert.equal(settings.startIntervalMs, 5000);
    assert.equal(healthSettings({ Healthcheck: { Test: ['NONE'] } }), undefined);
    assert.equal(healthSettings({}), undefined);
    assert.deepEqual(healthSettings({ Healthcheck: { Test: ['CMD', 'ls', '/'] } })!.test, ['ls', '/']);
    assert.equal(healthSettings({ Healthcheck: { Test: ['CMD', 'x'] } })!.retries, 3);
  });

  it('goes starting → healthy → unhealthy after the retries, ignoring failures in the start period', () => {
    const started = '2026-01-01T00:00:00.000Z';
    const at = (s: number, code: number) => ({ Start: new Date(Date.parse(started) + s * 1000).toISOString(), End: '', ExitCode: code, Output: '' });
    let h = nextHealth({ Status: 'starting', FailingStreak: 0, Log: [] }, at(1, 1), settings, started);
    assert.equal(h.Status, 'starting');
    assert.equal(h.FailingStreak, 0);
    h = nextHealth(h, at(2, 0), settings, started);
    assert.equal(h.Status, 'healthy');
    h = nextHealth(h, at(3, 1), settings, started);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 1]);
    h = nextHealth(h, at(4, 1), settings, started);
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
    for (let i = 0; i < 10; i++) h = nextHealth(h, at(5 + i, 1), settings, started);
    assert.equal(h.Log.length, HEALTH_LOG_MAX);
    h = nextHealth(h, at(20, 0), settings, started);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
  });

  it("takes what the container leaves unset from the image's HEALTHCHECK", () => {
    const image = { Test: ['CMD-SHELL', 'check'], Interval: 5e9, Retries: 4 };
    assert.deepEqual(mergeHealthcheck(undefined, image), image);
    assert.deepEqual(
      JSON.parse(JSON.stringify(mergeHealthcheck({ Test: [], Interval: 0, Timeout: 2e9, Retries: 0 }, image))),
      { Test: ['CMD-SHELL', 'check'], Interval: 5e9, Timeout: 2e9, Retries: 4 },
    );
    assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image)!.Test, ['NONE']);
  });

  it('counts failures after the start period even without a success', () => {
    const started = '2026-01-01T00:00:00.000Z';
    const late = { Start: '2026-01-01T00:00:10.000Z', End: '', ExitCode: 1, Output: '' };
    const h = nextHealth({ Status: 'starting', FailingStreak: 1, Log: [] }, late, settings, started);
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
  });
});

describe('stats parsing', () => {
  it('reads cgroup v1 and /proc formats', () => {
    assert.deepEqual(parseKeyValues('cache 10\nrss 20\ntotal_inactive_file 5\n'), { cache: 10, rss: 20, total_inactive_file: 5 });
    assert.deepEqual(parseBlkio('8:0 Read 4096\n8:0 Write 8192\nTotal 12288\n'), [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
    ]);
    const ps = parseProcStat('cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 50 0 25 500 0 0 0 0 0 0\ncpu1 50 0 25 500 0 0 0 0 0 0\nintr 1\n');
    assert.deepEqual(ps, { systemNs: 1150 * 1e7, cpus: 2 });
    const net = parseNetDev(
      'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n' +
        '    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  eth0: 1000 10 1 2 0 0 0 0 500 5 3 4 0 0 0 0\n',
    );
    assert.deepEqual(net, { eth0: { rx_bytes: 1000, rx_packets: 10, rx_errors: 1, rx_dropped: 2, tx_bytes: 500, tx_packets: 5, tx_errors: 3, tx_dropped: 4 } });
  });

  it('computes docker stats figures', () => {
    const row = statsRow('c', {
      id: 'a'.repeat(64),
      name: '/web',
      read: '2026-01-01T00:00:01Z',
      cpu_stats: { cpu_usage: { total_usage: 1_500_000_000 }, system_cpu_usage: 4_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 2_000_000_000 },
      memory_stats: { usage: 3 * 1024 * 1024, limit: 100 * 1024 * 1024, stats: { total_inactive_file: 1024 * 1024 } },
      networks: { eth0: { rx_bytes: 1500, tx_bytes: 500 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 2_000_000 }, { op: 'Write', value: 1000 }] },
      pids_stats: { current: 3 },
    });
    assert.deepEqual(row, {
      Container: 'c', ID: 'aaaaaaaaaaaa', Name: 'web', CPUPerc: '50.00%', MemUsage: '2MiB / 100MiB', MemPerc: '2.00%',
      NetIO: '1.5kB / 500B', BlockIO: '2MB / 1kB', PIDs: '3',
    });
  });
});

describe('update planning', () => {
  it('builds runtime resources and HostConfig changes', () => {
    const p = planUpdate({}, { Memory: 100 << 20, NanoCpus: 5e8, PidsLimit: 50, BlkioWeight: 300, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
    assert.deepEqual(p.resources, { memory: { limit: 100 << 20 }, cpu: { period: 100000, quota: 50000 }, pids: { limit: 50 }, blockIO: { weight: 300 } });
    assert.deepEqual(p.changes, { Memory: 100 << 20, NanoCpus: 5e8, PidsLimit: 50, BlkioWeight: 300, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
  });

  it("refuses what docker refuses", () => {
    assert.throws(() => planUpdate({ Memory: 64 << 20 }, { Memory: 256 << 20 }), ConflictError);
    assert.doesNotThrow(() => planUpdate({ Memory: 64 << 20 }, { Memory: 256 << 20, MemorySwap: 512 << 20 }));
    assert.throws(() => planUpdate({}, { Memory: 1 << 20 }), /Minimum memory limit allowed is 6MB/);
    assert.throws(() => planUpdate({}, { BlkioWeight: 5 }), InvalidArgumentError);
    assert.throws(() => planUpdate({ AutoRemove: true }, { RestartPolicy: { Name: 'always' } }), /AutoRemove is enabled/);
    assert.throws(() => planUpdate({}, { RestartPolicy: { Name: 'bogus' } }), /unknown policy/);
  });
});
