// Container states over the fake runtime: created → running → paused → running → exited, and what
// kill, stop, wait and remove do in each.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotModifiedError } from '../../../src/errors.js';
import { until } from '../../support/until.js';
import { IMAGE, type ServiceFixture, serviceFixture } from './service-fixture.js';

describe('ContainerService lifecycle', () => {
  let f: ServiceFixture;
  const actions: string[] = [];
  beforeEach(async () => {
    f = await serviceFixture();
    actions.length = 0;
    f.events.subscribe((e) => actions.push(e.Action));
  });
  afterEach(() => f.close());

  const status = (id: string): string | undefined => f.service.store.get(id)?.state.Status;
  const exited = (id: string): Promise<true> => until(`${id.slice(0, 12)} exited`, () => (status(id) === 'exited' ? true : undefined));

  it('goes created → running → paused → running → exited', async () => {
    const { Id: id } = await f.service.create('web', { Image: IMAGE });
    assert.equal(status(id), 'created');
    await f.service.start(id);
    assert.equal(status(id), 'running');
    assert.equal((await f.runtime.state(id))?.status, 'running');
    assert.equal(f.service.store.get(id)!.state.Pid, f.runtime.tasks.get(id)!.pid);
    await f.service.pause(id);
    assert.equal(status(id), 'paused');
    await assert.rejects(f.service.pause(id), ConflictError);
    await f.service.unpause(id);
    assert.equal(status(id), 'running');
    f.runtime.exit(id, 3);
    await exited(id);
    const c = f.service.store.get(id)!;
    assert.equal(c.state.ExitCode, 3);
    // The network is released before the exit is told; the runtime task and rootfs mount right after.
    assert.equal(f.network.attached.has(id), false);
    await until('runtime traces released', () => (!f.runtime.tasks.has(id) && f.runtime.mounted.size === 0 ? true : undefined));
    assert.deepEqual(actions, ['create', 'start', 'pause', 'unpause', 'die']);
  });

  it('refuses to start a running container, kill or stop one that is not', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await assert.rejects(f.service.kill(id), ConflictError);
    await assert.rejects(f.service.stop(id), NotModifiedError);
    await f.service.start(id);
    await assert.rejects(f.service.start(id), NotModifiedError);
  });

  it('kill sends the signal; the exit is 128 + signal and wait reports it', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    const waited = f.service.wait(id);
    await f.service.kill(id, 'SIGTERM');
    assert.deepEqual(await waited, { StatusCode: 143, Error: null });
    assert.equal(status(id), 'exited');
    assert.equal(f.service.store.get(id)!.manuallyStopped, true, 'the stop signal ends the run for good');
    assert.deepEqual(await f.service.wait(id), { StatusCode: 143, Error: null }, 'not-running returns at once');
  });

  it('SIGKILL returns once the exit is recorded: the next look sees it stopped', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.kill(id);
    const c = f.service.store.get(id)!;
    assert.equal(c.state.Status, 'exited');
    assert.equal(c.state.ExitCode, 137);
    assert.notEqual(c.state.FinishedAt, '0001-01-01T00:00:00Z');
    assert.deepEqual(actions.slice(-2), ['kill', 'die']);
  });

  it('SIGKILL of a paused container returns once it is dead', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.pause(id);
    await f.service.kill(id, 'KILL');
    assert.equal(status(id), 'exited');
    assert.equal(f.service.store.get(id)!.state.ExitCode, 137);
  });

  it('a new run keeps the last run\'s FinishedAt until it ends', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.kill(id);
    const finished = f.service.store.get(id)!.state.FinishedAt;
    await f.service.start(id);
    assert.equal(status(id), 'running');
    assert.equal(f.service.store.get(id)!.state.FinishedAt, finished);
  });

  it('stop escalates to SIGKILL after the timeout when the signal is ignored', async () => {
    f.runtime.ignoreSignals = [15];
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.stop(id, { timeout: 0 });
    assert.equal(status(id), 'exited');
    assert.equal(f.service.store.get(id)!.state.ExitCode, 137);
    assert.deepEqual(actions.slice(-4), ['kill', 'kill', 'die', 'stop']);
    assert.ok(f.runtime.calls.includes(`kill ${id} 9 all`));
  });

  it('stop resumes a paused container first', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.pause(id);
    await f.service.stop(id, { timeout: 5 });
    assert.equal(f.service.store.get(id)!.state.ExitCode, 143);
  });

  it('wait next-exit waits for the run to end', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    let done = false;
    const waited = f.service.wait(id, 'next-exit').then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false);
    f.runtime.exit(id, 0);
    assert.deepEqual(await waited, { StatusCode: 0, Error: null });
  });

  it('remove refuses a running container, force-removes it with its snapshot', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await assert.rejects(f.service.remove(id), ConflictError);
    const removed = f.service.wait(id, 'removed');
    await f.service.remove(id, { force: true });
    assert.equal(f.service.store.get(id), undefined);
    assert.equal(f.snapshots.snapshots.has(id), false);
    assert.equal(f.runtime.tasks.has(id), false);
    assert.equal((await removed).StatusCode, 137);
    assert.deepEqual(actions.slice(-2), ['die', 'destroy']);
  });

  it('top lists the runtime\'s pids of a running container', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await assert.rejects(f.service.top(id), ConflictError);
    await f.service.start(id);
    const top = await f.service.top(id);
    assert.ok(top.Titles.includes('PID'));
    // The fake's pid is no host process: ps has no row for it.
    assert.deepEqual(top.Processes, []);
  });

  it('update gives a running container its new limits through the runtime', async () => {
    const { Id: id } = await f.service.create(undefined, { Image: IMAGE });
    await f.service.start(id);
    await f.service.update(id, { PidsLimit: 50 });
    assert.deepEqual(f.runtime.tasks.get(id)!.resources, { pids: { limit: 50 } });
    assert.equal(f.service.store.get(id)!.hostConfig.PidsLimit, 50);
    assert.equal(actions.at(-1), 'update');
  });
});
