// Restart policies, health checks, stats, update, OOM and lxcfs through the real docker CLI (and
// berth's CLI for berth's own flags) against a test berthd.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { until } from '../../support/until.js';

describe('container operations', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const inspect = async (name: string, tmpl: string): Promise<string> => (await d.docker(['inspect', '-f', tmpl, name])).stdout.trim();
  /** Actions of the container's events so far (until= is whole seconds: let the current one pass). */
  const actions = async (name: string): Promise<string> => {
    await new Promise((r) => setTimeout(r, 1100));
    return (await d.docker(['events', '--since', '60s', '--until', '0s', '--filter', `container=${name}`, '--format', '{{.Action}}'])).stdout;
  };
  const cgroup = (ctrl: string, id: string, file: string): string => readFileSync(`/sys/fs/cgroup/${ctrl}/berth-${d.tag}/${id}/${file}`, 'utf8').trim();

  it('restarts an always container whose process was killed from the host', async () => {
    await d.docker(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '1000']);
    const pid = Number(await inspect('always', '{{.State.Pid}}'));
    assert.ok(pid > 0);
    process.kill(pid, 'SIGKILL');
    const state = await until('a restart', async () => {
      const s = await inspect('always', '{{.State.Status}} {{.RestartCount}} {{.State.Pid}}');
      return s.startsWith('running 1 ') && !s.endsWith(` ${pid}`) ? s : undefined;
    });
    assert.match(state, /^running 1 \d+$/);
    const ev = await actions('always');
    assert.match(ev, /die\nstart\nrestart/);
  });

  it('gives up on-failure after the maximum retries', async () => {
    await d.docker(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
    const s = await until('two retries', async () => {
      const v = await inspect('flaky', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}');
      return v === 'exited 2 3' ? v : undefined;
    }, 15_000, () => inspect('flaky', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{.State.Error}}'));
    assert.equal(s, 'exited 2 3');
    await new Promise((r) => setTimeout(r, 1000)); // the back-off would be 400 ms: no third run
    assert.equal(await inspect('flaky', '{{.RestartCount}}'), '2');
  });

  it('refuses --restart with --rm', async () => {
    const r = await d.docker(['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--restart and --rm/);
    const create = (hostConfig: object): Promise<string> => apiCall('POST', d.socket, '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig });
    await assert.rejects(create({ RestartPolicy: { Name: 'sometimes' } }), /^Error: 400: .*unknown policy 'sometimes'/);
    await assert.rejects(create({ RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } }), /^Error: 400: .*only be used with 'on-failure'/);
    await assert.rejects(create({ HealthOnFailure: 'explode' }), /^Error: 400: .*invalid HealthOnFailure/);
  });

  it('keeps stopped unless-stopped containers down, brings always ones back after kill -9 of berthd', async () => {
    await d.docker(['run', '-d', '--name', 'us', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    assert.equal((await d.docker(['stop', '-t', '0', 'us'])).code, 0);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await inspect('us', '{{.State.Status}}'), 'exited');
    const pid = Number(await inspect('always', '{{.State.Pid}}'));
    await d.kill9();
    process.kill(pid, 'SIGKILL'); // dies while no daemon watches
    await new Promise((r) => setTimeout(r, 300));
    await d.start();
    const s = await until('always back', async () => {
      const v = await inspect('always', '{{.State.Status}} {{.State.Pid}}');
      return v.startsWith('running ') && v !== `running ${pid}` ? v : undefined;
    });
    assert.match(s, /^running \d+$/);
    assert.equal(await inspect('us', '{{.State.Status}}'), 'exited');
    assert.equal(await inspect('flaky', '{{.State.Status}} {{.RestartCount}}'), 'exited 2');
    await d.docker(['rm', '-f', 'always', 'us', 'flaky']);
  });

  it('runs health checks: healthy, then unhealthy with a log, events and ps status', async () => {
    await d.docker(['run', '-d', '--name', 'hc', '--health-cmd', 'cat /tmp/ok', '--health-interval', '200ms', '--health-retries', '2', 'busybox', 'sh', '-c', 'echo fine > /tmp/ok; sleep 1000']);
    await until('healthy', async () => ((await inspect('hc', '{{.State.Health.Status}}')) === 'healthy' ? true : undefined));
    assert.match((await d.docker(['ps', '--filter', 'name=hc', '--format', '{{.Status}}'])).stdout, /\(healthy\)/);
    const log = JSON.parse(await inspect('hc', '{{json .State.Health.Log}}')) as Array<{ ExitCode: number; Output: string }>;
    assert.equal(log[0]!.ExitCode, 0);
    assert.equal(log[0]!.Output, 'fine\n');
    await d.docker(['exec', 'hc', 'rm', '/tmp/ok']);
    await until('unhealthy', async () => ((await inspect('hc', '{{.State.Health.Status}}')) === 'unhealthy' ? true : undefined));
    const h = JSON.parse(await inspect('hc', '{{json .State.Health}}')) as { FailingStreak: number; Log: Array<{ ExitCode: number }> };
    assert.ok(h.FailingStreak >= 2);
    assert.ok(h.Log.length <= 5);
    assert.notEqual(h.Log[h.Log.length - 1]!.ExitCode, 0);
    const ev = await actions('hc');
    assert.match(ev, /health_status: healthy/);
    assert.match(ev, /health_status: unhealthy/);
    await d.docker(['rm', '-f', 'hc']);
  });

  it('restarts an unhealthy container with --health-on-failure=restart; --no-healthcheck turns the image check off', async () => {
    const r = await d.berth(['run', '-d', '--name', 'hr', '--stop-timeout', '1', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms', '--health-retries', '1', '--health-on-failure', 'restart', 'busybox', 'sh', '-c', 'sleep 0.5; touch /tmp/ok; exec sleep 1000']);
    assert.equal(r.code, 0, r.stderr);
    const first = await inspect('hr', '{{.State.StartedAt}}');
    await until('a restart by the health check', async () => ((await inspect('hr', '{{.State.StartedAt}}')) !== first ? true : undefined));
    assert.equal(await inspect('hr', '{{.HostConfig.HealthOnFailure}}'), 'restart');
    await d.docker(['rm', '-f', 'hr']);
    await d.docker(['run', '-d', '--name', 'nohc', '--no-healthcheck', 'busybox', 'sleep', '100']);
    assert.equal(await inspect('nohc', '{{if .State.Health}}has{{else}}none{{end}}'), 'none');
    await d.docker(['rm', '-f', 'nohc']);
  });

  it('reports stats that docker stats shows sanely', async () => {
    const id = (await d.docker(['run', '-d', '--name', 'busy', '--cpus', '0.5', '-m', '64m', 'busybox', 'sh', '-c', 'while :; do :; done'])).stdout.trim();
    const r = await d.docker(['stats', '--no-stream', '--format', '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}', 'busy']);
    assert.equal(r.code, 0, r.stderr);
    const [name, cpu, mem, pids] = r.stdout.trim().split('|');
    assert.equal(name, 'busy');
    const pct = Number.parseFloat(cpu!);
    assert.ok(pct > 1 && pct < 75, `cpu ${cpu}`); // quota is half a CPU
    assert.match(mem!, /^[\d.]+[KM]iB \/ 64MiB$/);
    assert.equal(pids, '1');
    const raw = await apiGet(d.socket, `/containers/${id}/stats?stream=false&one-shot=true`);
    const s = JSON.parse(raw) as Record<string, any>;
    for (const k of ['read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats']) assert.ok(k in s, k);
    assert.ok(s.cpu_stats.cpu_usage.total_usage > 0);
    assert.ok(s.cpu_stats.system_cpu_usage > 0);
    assert.ok(s.cpu_stats.online_cpus >= 1);
    assert.equal(s.memory_stats.limit, 64 * 1024 * 1024);
    assert.ok('cache' in s.memory_stats.stats && 'rss' in s.memory_stats.stats);
    assert.ok(s.networks?.eth0, 'eth0 counters');
    const table = await d.berth(['stats', '--no-stream', 'busy']);
    assert.equal(table.code, 0, table.stderr);
    const [head, row] = table.stdout.split('\n');
    assert.match(head!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    assert.match(row!, new RegExp(`^${id.slice(0, 12)}\\s+busy\\s+[\\d.]+%\\s+[\\d.]+[KM]iB / 64MiB\\s+[\\d.]+%\\s+\\S+ / \\S+\\s+\\S+ / \\S+\\s+1$`));
  });

  it('changes limits of a running container with docker update', async () => {
    const id = await inspect('busy', '{{.Id}}');
    const r = await d.docker(['update', '--memory', '100m', '--memory-swap', '200m', '--cpus', '0.25', '--pids-limit', '20', '--restart', 'on-failure:3', 'busy']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cgroup('memory', id, 'memory.limit_in_bytes'), String(100 * 1024 * 1024));
    assert.equal(cgroup('cpu', id, 'cpu.cfs_quota_us'), '25000');
    assert.equal(cgroup('pids', id, 'pids.max'), '20');
    assert.equal(await inspect('busy', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}'), `${100 * 1024 * 1024} 250000000 on-failure`);
    const viaBerth = await d.berth(['update', '--cpus', '0.5', 'busy']);
    assert.equal(viaBerth.stdout, 'busy\n');
    assert.equal(cgroup('cpu', id, 'cpu.cfs_quota_us'), '50000');
    const bad = await d.docker(['update', '--memory', '300m', 'busy']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /memoryswap/);
    await d.docker(['rm', '-f', 'busy']);
  });

  it('marks a container killed for exceeding --memory as OOMKilled', async () => {
    // One process (the shell execs head) filling the container's /dev/shm: it is the one the kernel kills.
    const r = await d.docker(['run', '--name', 'oom', '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'head -c 48m /dev/zero > /dev/shm/fill']);
    const state = await inspect('oom', '{{.State.OOMKilled}} {{.State.ExitCode}}');
    assert.equal(r.code, 137, `${state} ${r.stderr}`);
    assert.equal(state, 'true 137');
    const ev = await actions('oom');
    assert.match(ev, /^oom$/m);
    await d.docker(['rm', 'oom']);
  });

  it('waits for the next exit with condition=next-exit', async () => {
    await d.docker(['run', '-d', '--name', 'waiter', 'busybox', 'sleep', '1000']);
    const waited = apiPost(d.socket, '/containers/waiter/wait?condition=next-exit');
    await new Promise((r) => setTimeout(r, 200));
    await d.docker(['kill', 'waiter']);
    assert.deepEqual(JSON.parse(await waited), { StatusCode: 137, Error: null });
    await d.docker(['rm', 'waiter']);
  });

  it('shows the container its own memory and CPUs through lxcfs', { skip: !existsSync('/usr/bin/lxcfs') && 'lxcfs is not installed' }, async () => {
    const mem = await d.docker(['run', '--rm', '-m', '64m', 'busybox', 'head', '-1', '/proc/meminfo']);
    assert.match(mem.stdout, /^MemTotal:\s+65536 kB$/m);
    const cpus = await d.docker(['run', '--rm', '--cpus', '1', 'busybox', 'sh', '-c', 'grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online']);
    assert.equal(cpus.stdout, '1\n0\n');
    const pinned = await d.docker(['run', '--rm', '--cpuset-cpus', '0', 'busybox', 'nproc']);
    assert.equal(pinned.stdout, '1\n');
    const off = await d.berth(['run', '--rm', '--lxcfs=false', '-m', '64m', 'busybox', 'head', '-1', '/proc/meminfo']);
    assert.doesNotMatch(off.stdout, /MemTotal:\s+65536 kB/);
  });
});

function apiCall(method: string, socketPath: string, path: string, body?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ((res.statusCode ?? 500) < 400 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const apiGet = (socket: string, path: string): Promise<string> => apiCall('GET', socket, path);
const apiPost = (socket: string, path: string): Promise<string> => apiCall('POST', socket, path);
