// `POST /containers/prune`: removes stopped containers docker's filters select (label, label!, until).
import { FilterArgs, ACCEPTED_FILTERS, pruneUntil, createdNotAfter } from '../filters/mod.js';
import { NotFoundError } from '../errors.js';
import type { ContainerService } from './container-service.js';

export async function pruneContainers(cs: ContainerService, filters: FilterArgs = FilterArgs.empty()): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  filters.validate(ACCEPTED_FILTERS.containerPrune);
  const until = pruneUntil(filters);
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const c of cs.store.list()) {
    if (c.state.Status !== 'exited' && c.state.Status !== 'created' && c.state.Status !== 'dead') continue;
    if (!createdNotAfter(c.created, until)) continue;
    if (!filters.labelsAndNot(c.config.Labels)) continue;
    try {
      // As docker: the space is the container's writable layer, measured before it goes.
      const rw = await cs.deps.snapshots.usage(c.id).then((u) => u.size, () => 0);
      await cs.remove(c.id);
      deleted.push(c.id);
      reclaimed += rw;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
}
