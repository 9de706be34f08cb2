// `docker network connect` and `disconnect` for any container: a running one gets or loses its
// endpoint at once; for one that is not running docker records the change and applies it at the
// next start (docker-compose connects a created container to its project network this way).
// Either way the record's endpoints config says which networks the container is on.
import { ForbiddenError, InvalidArgumentError } from '../errors.js';
import type { EndpointSettings } from '../network/api-types.js';
import { type ContainerCore, isRunning } from './container-core.js';
import type { ContainerNetworking } from './container-deps.js';
import { endpointsConfigOf, keyOfNetwork, setEndpointsConfig } from './endpoints-config.js';

function networkingOf(core: ContainerCore): ContainerNetworking {
  const n = core.deps.networking;
  if (!n) throw new InvalidArgumentError('this daemon runs containers without networks');
  return n;
}

/** The ID of the network a key names, undefined once that network is gone. */
function idOfKey(networking: ContainerNetworking): (ref: string) => string | undefined {
  return (ref) => {
    try {
      return networking.network(ref).id;
    } catch {
      return undefined;
    }
  };
}

export async function connectNetwork(core: ContainerCore, idOrName: string, network: string, cfg: EndpointSettings | null): Promise<void> {
  const networking = networkingOf(core);
  const id = core.store.resolve(idOrName).id;
  await core.locked(id, async () => {
    const c = core.store.resolve(id);
    const n = await networking.connect(c, network, cfg, isRunning(c));
    if (n.settings) c.networkSettings = n.settings;
    const eps = { ...endpointsConfigOf(c) };
    const key = keyOfNetwork(eps, n.id, idOfKey(networking));
    // A stopped container connected again keeps its first endpoint config, as dockerd does.
    if (key && !isRunning(c)) return;
    if (key) delete eps[key];
    eps[n.name] = cfg ?? {};
    setEndpointsConfig(c, eps);
    core.store.update(c);
  });
}

export async function disconnectNetwork(core: ContainerCore, idOrName: string, network: string, force: boolean): Promise<void> {
  const networking = networkingOf(core);
  const id = core.store.resolve(idOrName).id;
  await core.locked(id, async () => {
    const c = core.store.resolve(id);
    const running = isRunning(c);
    const eps = { ...endpointsConfigOf(c) };
    const n = networking.network(network);
    const key = keyOfNetwork(eps, n.id, idOfKey(networking));
    if (!running && !key) throw new ForbiddenError(`container ${c.id} is not connected to network ${n.name}`);
    const changed = await networking.disconnect(c, network, running, force);
    if (changed.settings) c.networkSettings = changed.settings;
    if (key) delete eps[key];
    setEndpointsConfig(c, eps);
    core.store.update(c);
  });
}
