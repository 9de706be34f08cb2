// A stopped container's removal, inside its lock: everything its runs left (runtime state, rootfs
// mount, network, bundle), its volumes, its snapshot and files, then its record and docker's
// `destroy` event. Shared by `docker rm` and the removal of a `--rm` container when its exit is
// recorded (in the same lock, so nothing can start it in between).
import { rm } from 'node:fs/promises';
import { NotFoundError } from '../errors.js';
import type { ContainerCore } from './container-core.js';
import type { ContainerRecord } from './container-record.js';
import { runTogether } from './run-together.js';
import { tracePhase } from './run-trace.js';

/** `releaseRuntime`: ContainerExits.releaseRuntime (idempotent; a no-op when the exit released it). */
export async function disposeContainer(
  core: ContainerCore,
  releaseRuntime: (c: ContainerRecord) => Promise<void>,
  c: ContainerRecord,
  o: { volumes: boolean },
): Promise<void> {
  const { deps } = core;
  const done = tracePhase(c.id, 'remove');
  c.state.Status = 'removing';
  core.store.update(c);
  // Unmounted first, so the snapshot can go while the runtime forgets the container (runc delete
  // takes the longest); volumes and the data dir depend on none of them.
  await deps.runtime.unmountRootfs(deps.paths.rootfs(c.id));
  await runTogether([
    () => releaseRuntime(c),
    () => deps.volumes?.release?.(c, o.volumes),
    () => deps.snapshots.remove(c.id).catch((err) => {
      if (!(err instanceof NotFoundError)) throw err;
    }),
    () => rm(deps.paths.dataDir(c.id), { recursive: true, force: true }),
  ]);
  core.store.delete(c.id);
  for (const h of core.hooks) h.removed?.(c);
  core.emit(c, 'destroy');
  done();
}
