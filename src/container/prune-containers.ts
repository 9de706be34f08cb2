// `POST /containers/prune`: removes stopped containers docker's filters select (label, label!, until).
import { FilterArgs, ACCEPTED_FILTERS, pruneUntil, createdNotAfter } from '../filters/mod.js';
import { NotFoundError } from '../errors.js';
import type { ContainerService } from './container-service.js';

export async function pruneContainers(cs: ContainerService, filters: FilterArgs = FilterArgs.empty()): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  filters.validate(ACCEPTED_FILTERS.containerPrune);
  const until = pruneUntil(filters);
  const deleted: string[] = [];
  for (const c of cs.store.list()) {
    if (c.state.Status !== 'exited' && c.state.Status !== 'created' && c.state.Status !== 'dead') continue;
    if (!createdNotAfter(c.created, until)) continue;
    if (!filters.labelsAndNot(c.config.Labels)) continue;
    try {
      await cs.remove(c.id);
      deleted.push(c.id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
}
