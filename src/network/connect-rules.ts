// Whether a container may join or leave a network, with docker's refusals: the same rules for a
// running container (its endpoint is made at once) and for a created or stopped one (the change is
// recorded and applied at its next start).
import { ForbiddenError, InvalidArgumentError } from '../errors.js';
import type { EndpointSettings } from './api-types.js';
import type { NetworkRow } from './network-store.js';

const HOST_REFUSAL = 'container cannot be disconnected from host network or connected to host network';

/** `networkMode` is the container's HostConfig.NetworkMode (`bridge`, a network, `host`, `none`, `container:<x>`). */
export function checkConnect(n: NetworkRow, networkMode: string, cfg: EndpointSettings | null | undefined): void {
  if (n.driver === 'host' || networkMode === 'host') throw new ForbiddenError(HOST_REFUSAL);
  if (n.driver === 'null' || networkMode === 'none') {
    throw new ForbiddenError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  }
  if (networkMode.startsWith('container:')) {
    throw new ForbiddenError('conflicting options: container type network can\'t be used with other networks');
  }
  const userNetwork = n.driver === 'bridge' && !n.isDefault;
  if (!userNetwork && (cfg?.IPAMConfig?.IPv4Address || cfg?.IPAMConfig?.IPv6Address)) {
    throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
  }
  if (!userNetwork && (cfg?.Aliases ?? []).length > 0) {
    throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
  }
}

export function checkDisconnect(n: NetworkRow, networkMode: string): void {
  if (n.driver === 'host' || networkMode === 'host') throw new ForbiddenError(HOST_REFUSAL);
}

/** docker's answer to a disconnect from a network the container is not on. */
export function notConnectedError(containerId: string, n: NetworkRow): ForbiddenError {
  return new ForbiddenError(`container ${containerId} is not connected to network ${n.name}`);
}
