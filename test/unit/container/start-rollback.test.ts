// A start that fails at any step takes back what the earlier steps made (runtime state, network,
// rootfs mount), and the record goes back to created with docker's error.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeError } from '../../../src/runtime/oci-runtime.js';
import { StartError } from '../../../src/container/container-service.js';
import { IMAGE, type ServiceFixture, serviceFixture } from './service-fixture.js';

describe('ContainerService start rollback', () => {
  let f: ServiceFixture;
  beforeEach(async () => {
    f = await serviceFixture();
  });
  afterEach(() => f.close());

  const create = async (): Promise<string> => (await f.service.create(undefined, { Image: IMAGE })).Id;

  /** Nothing of the failed run is left: no runtime task, no mount, no network. */
  function assertNothingLeft(id: string): void {
    assert.equal(f.runtime.tasks.has(id), false, 'no runtime task');
    assert.deepEqual([...f.runtime.mounted], [], 'rootfs unmounted');
    assert.equal(f.network.attached.has(id), false, 'network detached');
    const c = f.service.store.get(id)!;
    assert.equal(c.state.Status, 'created');
    assert.equal(c.state.Pid, 0);
  }

  it('undoes create, network and mount when the runtime cannot start the container', async () => {
    const id = await create();
    f.runtime.failNext('start');
    const err = await f.service.start(id).catch((e: unknown) => e);
    assert.ok(err instanceof StartError);
    assert.equal(err.message, 'failed to create task for container: OCI runtime create failed: fake start failure: unknown');
    assertNothingLeft(id);
    assert.equal(f.service.store.get(id)!.state.Error, 'fake start failure');
    const rt = f.runtime.calls.filter((c) => c.endsWith(id) || c.includes('rootfs'));
    // Newest first: the runtime's task, then (the network, not a runtime call) the mount.
    assert.deepEqual(rt.slice(-2).map((c) => c.split(' ')[0]), ['delete', 'unmountRootfs']);
  });

  it('undoes network and mount when the runtime cannot create it, with docker exit codes', async () => {
    const id = await create();
    f.runtime.failNext('create', new RuntimeError('exec: "nope": executable file not found in $PATH'));
    await assert.rejects(f.service.start(id), StartError);
    assertNothingLeft(id);
    assert.equal(f.service.store.get(id)!.state.ExitCode, 127);
    assert.ok(f.runtime.calls.includes(`delete ${id}`), 'a half-made runtime container is deleted');
  });

  it('undoes only the mount when the network fails, and keeps the network error', async () => {
    const id = await create();
    f.network.failAttach = new Error('no addresses left');
    await assert.rejects(f.service.start(id), /no addresses left/);
    assertNothingLeft(id);
    assert.ok(!f.runtime.calls.some((c) => c.startsWith('create')), 'the runtime was never asked');
  });

  it('leaves nothing to undo when the rootfs cannot be mounted', async () => {
    const id = await create();
    f.runtime.failNext('mountRootfs', new RuntimeError('mount: permission denied'));
    await assert.rejects(f.service.start(id), StartError);
    assertNothingLeft(id);
    assert.equal(f.service.store.get(id)!.state.ExitCode, 126);
  });

  it('starts after a failed start', async () => {
    const id = await create();
    f.runtime.failNext('start');
    await assert.rejects(f.service.start(id));
    await f.service.start(id);
    assert.equal(f.service.store.get(id)!.state.Status, 'running');
    assert.equal(f.service.store.get(id)!.state.Error, '');
    assert.equal(f.network.attached.has(id), true);
  });

  it('tells waiters of the next exit about a failed start', async () => {
    const id = await create();
    const waited = f.service.wait(id, 'next-exit');
    f.runtime.failNext('start');
    await assert.rejects(f.service.start(id));
    assert.deepEqual(await waited, { StatusCode: 128, Error: { Message: 'fake start failure' } });
  });
});
