// Adapts the network service to the container service's ContainerNetworking hook.
import type { ContainerNetworking, ContainerService } from '../container/container-service.js';
import { etcMounts } from '../network/container-etc-files.js';
import type { NetworkService } from '../network/network-service.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';

export function networkingFor(networks: NetworkService, containers: () => ContainerService): ContainerNetworking {
  const userns = (netnsPath: string): { userns?: string } => {
    const u = networks.usernsOf(netnsPath);
    return u ? { userns: u } : {};
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
        endpointsConfig: ((c.networkingConfig as { EndpointsConfig?: Record<string, never> } | undefined)?.EndpointsConfig ?? null),
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
  };
}
