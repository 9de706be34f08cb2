// Adapts the network service to the container service's ContainerNetworking hook.
import type { ContainerNetworking, ContainerService } from '../container/container-service.js';
import { endpointsConfigOf } from '../container/endpoints-config.js';
import { etcMounts } from '../network/container-etc-files.js';
import type { NetworkService } from '../network/network-service.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';

export function networkingFor(networks: NetworkService, containers: () => ContainerService): ContainerNetworking {
  const userns = (netnsPath: string): { userns?: string } => {
    const u = networks.usernsOf(netnsPath);
    return u ? { userns: u } : {};
  };
  const settingsOf = (id: string): { settings?: Record<string, unknown> } => {
    const s = networks.networkSettings(id);
    return s ? { settings: s as unknown as Record<string, unknown> } : {};
  };
  return {
    async attach(c, filesDir) {
      let mode = String(c.hostConfig.NetworkMode ?? 'bridge');
      if (mode.startsWith('container:')) {
        // Resolve the name now: the network service keys shared stacks by container id.
        const other = containers().resolve(mode.slice('container:'.length));
        mode = `container:${other.id}`;
      }
      const r = await networks.attachContainer({
        id: c.id,
        name: c.name.slice(1),
        hostname: String(c.config.Hostname ?? c.id.slice(0, 12)),
        ...(c.config.Domainname ? { domainname: String(c.config.Domainname) } : {}),
        hostConfig: { ...(c.hostConfig as object), NetworkMode: mode },
        exposedPorts: c.config.ExposedPorts ?? null,
        endpointsConfig: endpointsConfigOf(c),
        filesDir,
      });
      const mounts: SpecMount[] = etcMounts(r.files, { readonlyRootfs: c.hostConfig.ReadonlyRootfs === true });
      return {
        netns: r.netnsPath ? { path: r.netnsPath, ...userns(r.netnsPath) } : r.mode === 'host' ? 'host' : undefined,
        mounts,
        settings: r.networkSettings as unknown as Record<string, unknown>,
      };
    },
    async detach(c) {
      await networks.detachContainer(c.id);
    },
    network(ref) {
      const n = networks.find(ref);
      return { id: n.id, name: n.name };
    },
    async connect(c, network, cfg, running) {
      const n = running ? networks.find(network) : networks.checkConnect(network, String(c.hostConfig.NetworkMode ?? 'bridge'), cfg);
      if (!running) return { id: n.id, name: n.name };
      await networks.connect(n.id, c.id, cfg);
      return { id: n.id, name: n.name, ...settingsOf(c.id) };
    },
    async disconnect(c, network, running, force) {
      const n = running ? networks.find(network) : networks.checkDisconnect(network, String(c.hostConfig.NetworkMode ?? 'bridge'));
      if (!running) return { id: n.id, name: n.name };
      await networks.disconnect(n.id, c.id, force);
      return { id: n.id, name: n.name, ...settingsOf(c.id) };
    },
  };
}
