// Restart policies over the fake runtime: which exits bring a container back, how often, and that a
// user's stop or kill keeps it down.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestartManager } from '../../../src/container/restart-manager.js';
import type { RestartPolicy } from '../../../src/container/restart-policy.js';
import { until } from '../../support/until.js';
import { IMAGE, type ServiceFixture, serviceFixture } from './service-fixture.js';

describe('restart policies', () => {
  let f: ServiceFixture;
  let restarts: RestartManager;
  beforeEach(async () => {
    f = await serviceFixture();
    restarts = new RestartManager(f.service);
  });
  afterEach(() => {
    restarts.close();
    f.close();
  });

  const run = async (policy: RestartPolicy): Promise<string> => {
    const { Id } = await f.service.create(undefined, { Image: IMAGE, HostConfig: { RestartPolicy: policy } });
    await f.service.start(Id);
    return Id;
  };
  const record = (id: string) => f.service.store.get(id)!;
  /** Ends the current run with `code` and waits until the service has settled it (running again or exited). */
  const exitWith = async (id: string, code: number, runs: number): Promise<string> => {
    const pid = record(id).state.Pid;
    f.runtime.exit(id, code);
    return until(`${id.slice(0, 12)} settled after exit ${code}`, () => {
      const c = record(id);
      if (c.state.Status === 'running' && c.state.Pid !== pid && c.restartCount === runs) return 'running';
      if (c.state.Status === 'exited' && c.state.ExitCode === code) return 'exited';
      return undefined;
    });
  };

  it('on-failure restarts failed runs up to the maximum, counting restarts', async () => {
    const id = await run({ Name: 'on-failure', MaximumRetryCount: 2 });
    assert.equal(await exitWith(id, 1, 1), 'running');
    assert.equal(await exitWith(id, 1, 2), 'running');
    assert.equal(await exitWith(id, 1, 3), 'exited');
    assert.equal(record(id).restartCount, 2);
  });

  it('on-failure leaves a clean exit down', async () => {
    const id = await run({ Name: 'on-failure' });
    assert.equal(await exitWith(id, 0, 1), 'exited');
    assert.equal(record(id).restartCount, 0);
  });

  it('always restarts a clean exit, but not after the user stops it', async () => {
    const id = await run({ Name: 'always' });
    assert.equal(await exitWith(id, 0, 1), 'running');
    await f.service.stop(id, { timeout: 1 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(record(id).state.Status, 'exited');
  });

  it('a user start resets the count', async () => {
    const id = await run({ Name: 'on-failure' });
    assert.equal(await exitWith(id, 1, 1), 'running');
    await f.service.kill(id);
    await until('exited', () => (record(id).state.Status === 'exited' ? true : undefined));
    await f.service.start(id);
    assert.equal(record(id).restartCount, 0);
  });

  it('no restart policy: the container stays exited', async () => {
    const id = await run({ Name: 'no' });
    assert.equal(await exitWith(id, 1, 1), 'exited');
  });
});
