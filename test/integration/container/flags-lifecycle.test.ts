// Lifecycle and observation flags by their effect: pause freezes, restart and stop signals reach the
// process, wait conditions, --init, health probes; stats, top, events filters and inspect fields.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { api, eventsOf, inspect, nowSeconds, until } from './flag-support.js';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('lifecycle and observation flags take effect', () => {
  let d: TestDaemon;
  let tmp: string;
  before(async () => {
    d = await startTestDaemon();
    tmp = mkdtempSync('/tmp/bt-lifeflags-');
  });
  after(async () => {
    await d?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('pause freezes the processes (a counter stops), unpause lets them go on', async () => {
    const since = nowSeconds();
    await ok(['run', '-d', '--name', 'pz', '-v', `${tmp}:/c`, 'busybox', 'sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /c/n; sleep 0.02; done']);
    // The shell may not have written its first count yet when `run -d` returns (as with docker).
    const count = (): number => Number((existsSync(join(tmp, 'n')) ? readFileSync(join(tmp, 'n'), 'utf8') : '').trim() || '0');
    await until('the counter to run', async () => (count() > 2 ? true : undefined));
    await ok(['pause', 'pz']);
    assert.equal(await inspect(d, 'pz', '{{.State.Status}} {{.State.Running}} {{.State.Paused}}'), 'paused true true');
    assert.match(await ok(['ps', '--filter', 'name=pz', '--format', '{{.Status}}']), /\(Paused\)/);
    const frozen = count();
    await delay(300);
    assert.equal(count(), frozen);
    const exec = await d.docker(['exec', 'pz', 'true']);
    assert.match(exec.stderr, /is paused, unpause the container before exec/);
    await ok(['unpause', 'pz']);
    assert.equal(await inspect(d, 'pz', '{{.State.Status}} {{.State.Paused}}'), 'running false');
    await until('the counter to go on', async () => (count() > frozen ? true : undefined));
    assert.deepEqual((await eventsOf(d, since, ['container=pz', 'event=pause', 'event=unpause'])), ['pause', 'unpause']);
    await ok(['rm', '-f', 'pz']);
  });

  it('--stop-signal reaches a trap in the shell; --stop-timeout bounds the wait before SIGKILL', async () => {
    await ok(['run', '-d', '--name', 'sig', '--stop-signal', 'SIGUSR1', 'busybox', 'sh', '-c', 'trap "echo got-usr1; exit 7" USR1; echo ready; while :; do sleep 0.05; done']);
    assert.equal(await inspect(d, 'sig', '{{.Config.StopSignal}}'), 'SIGUSR1');
    await until('the trap', async () => ((await d.docker(['logs', 'sig'])).stdout === 'ready\n' ? true : undefined));
    await ok(['stop', 'sig']);
    assert.equal(await inspect(d, 'sig', '{{.State.ExitCode}}'), '7');
    assert.equal((await d.docker(['logs', 'sig'])).stdout, 'ready\ngot-usr1\n');
    const since = nowSeconds();
    await ok(['run', '-d', '--name', 'stubborn', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done']);
    assert.equal(await inspect(d, 'stubborn', '{{.Config.StopTimeout}}'), '1');
    await ok(['stop', 'stubborn']);
    assert.equal(await inspect(d, 'stubborn', '{{.State.ExitCode}}'), '137');
    const kills = await eventsOf(d, since, ['container=stubborn', 'event=kill'], '{{.Actor.Attributes.signal}}');
    assert.deepEqual(kills, ['15', '9']);
    await ok(['rm', 'sig', 'stubborn']);
  });

  it('restart runs the process again with a new pid', async () => {
    const since = nowSeconds();
    await ok(['run', '-d', '--name', 'rs', 'busybox', 'sleep', '1000']);
    const pid = await inspect(d, 'rs', '{{.State.Pid}}');
    await ok(['restart', '-t', '0', 'rs']);
    const after = await inspect(d, 'rs', '{{.State.Status}} {{.State.Pid}}');
    assert.match(after, /^running \d+$/);
    assert.notEqual(after, `running ${pid}`);
    const ev = await eventsOf(d, since, ['container=rs']);
    assert.deepEqual(ev, ['create', 'start', 'kill', 'kill', 'die', 'stop', 'start', 'restart']);
    await ok(['rm', '-f', 'rs']);
  });

  it('wait answers for not-running, next-exit and removed', async () => {
    await ok(['create', '--name', 'w1', 'busybox', 'sh', '-c', 'exit 3']);
    // A created container is not running: the wait is over at once.
    assert.deepEqual(JSON.parse((await api(d, 'POST', '/containers/w1/wait?condition=not-running')).body), { StatusCode: 0, Error: null });
    const nextExit = api(d, 'POST', '/containers/w1/wait?condition=next-exit');
    const removed = api(d, 'POST', '/containers/w1/wait?condition=removed');
    await delay(100);
    await ok(['start', 'w1']);
    assert.deepEqual(JSON.parse((await nextExit).body), { StatusCode: 3, Error: null });
    assert.equal(await ok(['wait', 'w1']), '3\n');
    let removedDone = false;
    void removed.then(() => (removedDone = true));
    await delay(200);
    assert.equal(removedDone, false, 'condition=removed waits for the removal');
    await ok(['rm', 'w1']);
    assert.deepEqual(JSON.parse((await removed).body), { StatusCode: 3, Error: null });
    const bad = await api(d, 'POST', '/containers/w1/wait?condition=whenever');
    assert.equal(bad.status, 400);
  });

  it('--init runs docker-init as PID 1, which passes the stop signal on', async () => {
    const r = await d.docker(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/comm; tr "\\0" " " < /proc/1/cmdline']);
    assert.equal(r.stdout, 'docker-init\n/sbin/docker-init -- sh -c cat /proc/1/comm; tr "\\0" " " < /proc/1/cmdline ');
    await ok(['run', '-d', '--name', 'ini', '--init', 'busybox', 'sleep', '1000']);
    assert.equal(await inspect(d, 'ini', '{{.HostConfig.Init}}'), 'true');
    await ok(['stop', '-t', '5', 'ini']);
    // sleep is not PID 1 here: SIGTERM kills it, and init exits with its status (128+15).
    assert.equal(await inspect(d, 'ini', '{{.State.ExitCode}}'), '143');
    await ok(['rm', 'ini']);
  });

  it('health flags: a probe past --health-timeout fails, and a running probe is listed in ExecIDs', async () => {
    await ok(['run', '-d', '--name', 'hslow', '--health-cmd', 'sleep 1', '--health-timeout', '300ms', '--health-interval', '100ms', '--health-retries', '1',
      'busybox', 'sleep', '1000']);
    assert.equal(await inspect(d, 'hslow', '{{.Config.Healthcheck.Timeout}} {{.Config.Healthcheck.Retries}}'), '300ms 1');
    const execIds = await until('a probe in ExecIDs', async () => {
      const v = await inspect(d, 'hslow', '{{json .ExecIDs}}');
      return v !== 'null' ? v : undefined;
    });
    assert.match(execIds, /^\["[0-9a-f]{64}"\]$/);
    await until('unhealthy', async () => ((await inspect(d, 'hslow', '{{.State.Health.Status}}')) === 'unhealthy' ? true : undefined));
    const log = JSON.parse(await inspect(d, 'hslow', '{{json .State.Health.Log}}')) as Array<{ ExitCode: number; Output: string }>;
    assert.equal(log[0]!.ExitCode, -1);
    assert.match(log[0]!.Output, /Health check exceeded timeout \(300ms\)/);
    await ok(['rm', '-f', 'hslow']);
  });

  it('stats --no-stream reports the limit and the process count; top takes ps options', async () => {
    await ok(['run', '-d', '--name', 'obs', '-m', '48m', 'busybox', 'sh', '-c', 'sleep 1000 & sleep 1001 & wait']);
    await until('three processes', async () => ((await d.docker(['top', 'obs'])).stdout.trim().split('\n').length === 4 ? true : undefined));
    const s = await ok(['stats', '--no-stream', '--format', '{{.MemUsage}}|{{.PIDs}}|{{.MemPerc}}', 'obs']);
    const [mem, pids, perc] = s.trim().split('|');
    assert.match(mem!, /^[\d.]+[KM]iB \/ 48MiB$/);
    assert.equal(pids, '3');
    assert.match(perc!, /^[\d.]+%$/);
    const top = await ok(['top', 'obs', '-o', 'pid,comm']);
    const rows = top.trim().split('\n');
    assert.match(rows[0]!, /^PID\s+COMMAND$/);
    assert.deepEqual(rows.slice(1).map((l) => l.trim().split(/\s+/)[1]).sort(), ['sh', 'sleep', 'sleep']);
    const aux = await ok(['top', 'obs', 'aux']);
    assert.match(aux.split('\n')[0]!, /^USER\s+PID\s+%CPU\s+%MEM\s+VSZ\s+RSS\s+TTY\s+STAT\s+START\s+TIME\s+COMMAND$/);
    assert.match(aux, /sleep 1001$/m);
    const noPid = await d.docker(['top', 'obs', '-o', 'comm']);
    assert.match(noPid.stderr, /Couldn't find PID field in ps output/);
    await ok(['rm', '-f', 'obs']);
  });

  it('events --filter and --since/--until select by container, type, event and label', async () => {
    await ok(['run', '--name', 'early', 'busybox', 'true']);
    await delay(1100);
    const since = nowSeconds();
    await ok(['run', '--name', 'ev1', '-l', 'team=blue', 'busybox', 'true']);
    await ok(['run', '--name', 'ev2', 'busybox', 'true']);
    assert.deepEqual(await eventsOf(d, since, ['container=ev1']), ['create', 'attach', 'start', 'die']);
    assert.deepEqual(await eventsOf(d, since, ['event=die'], '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}'), ['ev1 0', 'ev2 0']);
    assert.deepEqual(await eventsOf(d, since, ['label=team=blue', 'event=start'], '{{.Actor.Attributes.name}}'), ['ev1']);
    assert.deepEqual(await eventsOf(d, since, ['type=container', 'event=create'], '{{.Actor.Attributes.name}}'), ['ev1', 'ev2']);
    assert.deepEqual(await eventsOf(d, since, ['type=image']), []);
    // --until closes the window: the events of a later container are not in it.
    const until1 = (Date.now() / 1000).toFixed(3);
    await ok(['run', '--name', 'ev3', 'busybox', 'true']);
    const win = await d.docker(['events', '--since', String(since), '--until', until1, '--filter', 'event=create', '--format', '{{.Actor.Attributes.name}}']);
    assert.deepEqual(win.stdout.split('\n').filter(Boolean), ['ev1', 'ev2']);
    await ok(['rm', 'early', 'ev1', 'ev2', 'ev3']);
  });

  it("inspect shows the flags in Config, HostConfig and State with docker's field names", async () => {
    await ok(['create', '--name', 'shape', '-m', '64m', '--cpus', '0.5', '--cpuset-cpus', '0', '--pids-limit', '9', '--ulimit', 'nofile=100:200',
      '--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN', '--security-opt', 'no-new-privileges', '--group-add', '5', '--shm-size', '16m', '--read-only',
      '--tmpfs', '/t:size=1m', '--stop-signal', 'SIGUSR1', '--stop-timeout', '3', '--init', '--health-cmd', 'true', '-l', 'k=v', 'busybox', 'true']);
    const hc = JSON.parse(await inspect(d, 'shape', '{{json .HostConfig}}')) as Record<string, unknown>;
    assert.equal(hc.Memory, 64 * 1024 * 1024);
    assert.equal(hc.NanoCpus, 5e8);
    assert.equal(hc.CpusetCpus, '0');
    assert.equal(hc.PidsLimit, 9);
    assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Hard: 200, Soft: 100 }]);
    assert.deepEqual(hc.CapAdd, ['CAP_NET_ADMIN']);
    assert.deepEqual(hc.CapDrop, ['CAP_CHOWN']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
    assert.deepEqual(hc.GroupAdd, ['5']);
    assert.equal(hc.ShmSize, 16 * 1024 * 1024);
    assert.equal(hc.ReadonlyRootfs, true);
    assert.deepEqual(hc.Tmpfs, { '/t': 'size=1m' });
    assert.equal(hc.Init, true);
    assert.ok(Array.isArray(hc.MaskedPaths) && (hc.MaskedPaths as string[]).includes('/proc/kcore'), 'default masked paths recorded');
    assert.ok(Array.isArray(hc.ReadonlyPaths) && (hc.ReadonlyPaths as string[]).includes('/proc/sys'));
    const cfg = JSON.parse(await inspect(d, 'shape', '{{json .Config}}')) as Record<string, unknown>;
    assert.equal(cfg.StopSignal, 'SIGUSR1');
    assert.equal(cfg.StopTimeout, 3);
    assert.deepEqual(cfg.Healthcheck, { Test: ['CMD-SHELL', 'true'] });
    assert.deepEqual(cfg.Labels, { k: 'v' });
    const state = JSON.parse(await inspect(d, 'shape', '{{json .State}}')) as Record<string, unknown>;
    for (const k of ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']) assert.ok(k in state, k);
    assert.equal(state.Status, 'created');
    await ok(['rm', 'shape']);
  });
});
