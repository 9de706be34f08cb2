// kill, stop, restart, rm -f and wait return when docker's do: once the container's state says so,
// so the very next inspect, rm or wait sees it (ExitCode 137 after SIGKILL, FinishedAt set, Pid 0).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

interface State {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

let n = 0;
/** A started busybox container running `cmd`. */
async function running(cmd: string[] = ['sleep', '300']): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-t${n++}` },
    body: { Image: 'busybox:latest', Cmd: cmd, Labels: { 'berth.compat': t.run } },
  });
  const id = (r.body as { Id: string }).Id;
  await t.ok('POST', `/containers/${id}/start`);
  return id;
}

async function stateOf(id: string): Promise<State & { RestartCount: number }> {
  const c = (await t.ok('GET', `/containers/${id}/json`)).body as { State: State; RestartCount: number };
  return { ...c.State, RestartCount: c.RestartCount };
}

function assertKilled(s: State, exitCode = 137): void {
  assert.equal(s.Status, 'exited');
  assert.equal(s.Running, false);
  assert.equal(s.Paused, false);
  assert.equal(s.Restarting, false);
  assert.equal(s.Dead, false);
  assert.equal(s.OOMKilled, false);
  assert.equal(s.Pid, 0);
  assert.equal(s.ExitCode, exitCode);
  assert.equal(s.Error, '');
  assert.notEqual(s.FinishedAt, ZERO_TIME);
  assert.ok(Date.parse(s.FinishedAt) >= Date.parse(s.StartedAt), `${s.StartedAt} → ${s.FinishedAt}`);
}

describe('kill', () => {
  it('SIGKILL returns once the container is dead: exited, 137', async () => {
    const id = await running();
    await t.ok('POST', `/containers/${id}/kill`);
    assertKilled(await stateOf(id));
  });

  it('kills a paused container too', async () => {
    const id = await running();
    await t.ok('POST', `/containers/${id}/pause`);
    await t.ok('POST', `/containers/${id}/kill`, { query: { signal: 'KILL' } });
    assertKilled(await stateOf(id));
  });

  it('another signal is only sent: an init that ignores it keeps running', async () => {
    const id = await running();
    await t.ok('POST', `/containers/${id}/kill`, { query: { signal: 'SIGUSR1' } });
    const s = await stateOf(id);
    assert.equal(s.Running, true);
    assert.equal(s.ExitCode, 0);
    assert.equal(s.FinishedAt, ZERO_TIME);
  });

  it('the die event (exitCode 137) is out when kill returns', async () => {
    const id = await running();
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await t.ok('POST', `/containers/${id}/kill`);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const r = await t.ok('GET', '/events', { query: { since, until }, filters: { container: [id] } });
    const events = r.text.trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } });
    const actions = events.map((e) => e.Action);
    assert.ok(actions.indexOf('kill') >= 0 && actions.indexOf('kill') < actions.indexOf('die'), actions.join(','));
    assert.equal(events.find((e) => e.Action === 'die')!.Actor.Attributes.exitCode, '137');
  });

  it('docker kill then docker rm (no force) succeeds (CLI)', async () => {
    const id = await running();
    const kill = await t.docker(['kill', id]);
    assert.equal(kill.code, 0, kill.stderr);
    const rm = await t.docker(['rm', id]);
    assert.equal(rm.code, 0, rm.stderr);
  });
});

describe('stop and restart', () => {
  it('stop returns after the exit: SIGKILL after the timeout gives 137', async () => {
    const id = await running();
    await t.ok('POST', `/containers/${id}/stop`, { query: { t: '1' } });
    assertKilled(await stateOf(id));
  });

  it('stop returns after the exit: a process that exits on SIGTERM keeps its code', async () => {
    const id = await running(['sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done']);
    await new Promise((r) => setTimeout(r, 300));
    await t.ok('POST', `/containers/${id}/stop`, { query: { t: '10' } });
    assertKilled(await stateOf(id), 7);
  });

  it('restart returns with a new run: running, later StartedAt, FinishedAt of the last run, no restart counted', async () => {
    const id = await running();
    const before = await stateOf(id);
    await t.ok('POST', `/containers/${id}/restart`, { query: { t: '0' } });
    const s = await stateOf(id);
    assert.equal(s.Status, 'running');
    assert.equal(s.Running, true);
    assert.equal(s.ExitCode, 0);
    assert.ok(s.Pid > 0);
    assert.ok(Date.parse(s.StartedAt) > Date.parse(before.StartedAt));
    assert.notEqual(s.FinishedAt, ZERO_TIME);
    assert.ok(Date.parse(s.FinishedAt) <= Date.parse(s.StartedAt));
    assert.equal(s.RestartCount, 0);
  });
});

describe('rm -f and wait', () => {
  it('rm -f of a running container returns once it is gone; a removed-waiter returns too', async () => {
    const id = await running();
    const waiting = t.api('POST', `/containers/${id}/wait`, { query: { condition: 'removed' } });
    await new Promise((r) => setTimeout(r, 200));
    await t.ok('DELETE', `/containers/${id}`, { query: { force: '1' } });
    assert.equal((await t.api('GET', `/containers/${id}/json`)).status, 404);
    const w = await waiting;
    assert.equal(w.status, 200, w.text);
    assert.equal((w.body as { StatusCode: number }).StatusCode, 137);
  });

  it('wait returns the exit code, and inspect agrees at once', async () => {
    const id = await running(['sh', '-c', 'sleep 0.3; exit 3']);
    const w = await t.ok('POST', `/containers/${id}/wait`);
    assert.deepEqual(w.body, { Error: null, StatusCode: 3 });
    assertKilled(await stateOf(id), 3);
  });

  it('next-exit on a running container returns after a kill with 137', async () => {
    const id = await running();
    const waiting = t.ok('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
    await new Promise((r) => setTimeout(r, 200));
    await t.ok('POST', `/containers/${id}/kill`);
    assert.equal(((await waiting).body as { StatusCode: number }).StatusCode, 137);
  });

  it('not-running on an exited container returns its code at once', async () => {
    const id = await running(['sh', '-c', 'exit 5']);
    await t.ok('POST', `/containers/${id}/wait`);
    const again = await t.ok('POST', `/containers/${id}/wait`, { query: { condition: 'not-running' } });
    assert.equal((again.body as { StatusCode: number }).StatusCode, 5);
  });
});
