// The `filters` of `GET /networks` and `POST /networks/prune`: docker's keys and rules over the
// shared grammar (filters/).
import { InvalidArgumentError } from '../errors.js';
import { ACCEPTED_FILTERS, type FilterArgs, createdNotAfter, pruneUntil } from '../filters/mod.js';
import type { NetworkRow } from './network-store.js';

/** The networks `list` shows; `inUse` are the IDs of networks with attached containers. */
export function filterNetworkList(networks: NetworkRow[], f: FilterArgs, inUse: Set<string>): NetworkRow[] {
  f.validate(ACCEPTED_FILTERS.networkList);
  const dangling = f.get('dangling');
  if (dangling.length > 1) throw new InvalidArgumentError('got more than one value for filter key "dangling"');
  if (dangling.length === 1 && !['true', '1', 'false', '0'].includes(dangling[0]!)) {
    throw new InvalidArgumentError('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  }
  for (const t of f.get('type')) if (t !== 'builtin' && t !== 'custom') throw new InvalidArgumentError(`invalid filter: 'type'='${t}'`);
  return networks.filter(
    (n) =>
      f.exact('driver', n.driver) &&
      (!f.has('name') || f.regexp('name', n.name)) &&
      (!f.has('id') || f.regexp('id', n.id)) &&
      f.labels('label', n.labels) &&
      f.exact('scope', 'local') &&
      (dangling.length === 0 || (dangling[0] === 'true' || dangling[0] === '1') === (!inUse.has(n.id) && !n.builtin)) &&
      (!f.has('type') || f.get('type').some((t) => (t === 'builtin') === Boolean(n.builtin))),
  );
}

/** The networks `prune` removes: unused user networks matching `label`, `label!` and `until`. */
export function filterPrunable(networks: NetworkRow[], f: FilterArgs, inUse: Set<string>): NetworkRow[] {
  f.validate(ACCEPTED_FILTERS.networkPrune);
  const until = pruneUntil(f);
  return networks.filter((n) => !n.builtin && !inUse.has(n.id) && createdNotAfter(n.created, until) && f.labelsAndNot(n.labels));
}
