// A user namespace's id mapping: container uid/gid ranges and the host ids they stand for (the
// OCI runtime spec's LinuxIDMapping shape). Shared by spec generation (the namespace's maps) and
// by the layer store of a remapped daemon, which keeps files under their host ids.
import { InvalidArgumentError } from '../errors.js';

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface IdMap {
  uidMappings: IdMapping[];
  gidMappings: IdMapping[];
}

/** The host id a container id stands for; undefined when no range covers it. */
export function toHostId(mappings: readonly IdMapping[], id: number): number | undefined {
  for (const m of mappings) if (id >= m.containerID && id < m.containerID + m.size) return m.hostID + (id - m.containerID);
  return undefined;
}

/** The container id a host id shows as; undefined when no range covers it. */
export function toContainerId(mappings: readonly IdMapping[], id: number): number | undefined {
  for (const m of mappings) if (id >= m.hostID && id < m.hostID + m.size) return m.containerID + (id - m.hostID);
  return undefined;
}

/** The host id a container uid/gid is written as in a remapped store (itself without a map; an error when unmapped). */
export function hostOwner(id: number, map: IdMap | undefined, which: 'uidMappings' | 'gidMappings'): number {
  if (!map) return id;
  const host = toHostId(map[which], id);
  if (host === undefined) throw new InvalidArgumentError(`Container ID ${id} cannot be mapped to a host ID`);
  return host;
}

/** The host uid and gid of the container's root (owner of what the daemon makes for it). */
export function rootPair(map: IdMap): { uid: number; gid: number } {
  const uid = toHostId(map.uidMappings, 0);
  const gid = toHostId(map.gidMappings, 0);
  if (uid === undefined || gid === undefined) throw new RangeError('the id mapping does not map the container root');
  return { uid, gid };
}
