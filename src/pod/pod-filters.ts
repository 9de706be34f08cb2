// Which pods `pod ls` and `pod prune` take: podman's filter keys over docker's filter grammar.
import { ACCEPTED_FILTERS, type FilterArgs, createdNotAfter, pruneUntil } from '../filters/mod.js';
import type { PodRecord } from './pod-record.js';
import { type PodMembers, podStatus } from './pod-view.js';

export interface PodWithMembers {
  pod: PodRecord;
  members: PodMembers;
}

const bare = (name: string): string => name.replace(/^\//, '');

export function filterPods(list: readonly PodWithMembers[], f: FilterArgs): PodWithMembers[] {
  f.validate(ACCEPTED_FILTERS.podList);
  const until = pruneUntil(f);
  const some = (key: string, test: (v: string) => boolean): boolean => !f.has(key) || f.get(key).some(test);
  return list.filter(({ pod, members }) => {
    const ctrs = [...(members.infra ? [members.infra] : []), ...members.members];
    const networks = members.infra ? Object.keys((members.infra.networkSettings?.Networks ?? {}) as object).concat(String(members.infra.hostConfig.NetworkMode ?? '')) : [];
    return (
      f.prefix('id', pod.id) &&
      f.regexp('name', pod.name) &&
      f.labelsAndNot(pod.labels) &&
      some('status', (v) => v.toLowerCase() === podStatus(members).toLowerCase()) &&
      some('ctr-names', (v) => ctrs.some((c) => bare(c.name) === v)) &&
      some('ctr-ids', (v) => ctrs.some((c) => c.id.startsWith(v))) &&
      some('ctr-number', (v) => Number(v) === members.members.length) &&
      some('ctr-status', (v) => ctrs.some((c) => c.state.Status === v)) &&
      some('network', (v) => networks.includes(v)) &&
      createdNotAfter(pod.created, until)
    );
  });
}

/** `pod prune`: pods whose containers are all stopped (none running or paused), within the filters. */
export function prunablePods(list: readonly PodWithMembers[], f: FilterArgs): PodWithMembers[] {
  f.validate(ACCEPTED_FILTERS.podPrune);
  const until = pruneUntil(f);
  return list.filter(({ pod, members }) => {
    const ctrs = [...(members.infra ? [members.infra] : []), ...members.members];
    const stopped = ctrs.every((c) => !['running', 'paused', 'restarting'].includes(c.state.Status));
    return stopped && f.labelsAndNot(pod.labels) && createdNotAfter(pod.created, until);
  });
}
