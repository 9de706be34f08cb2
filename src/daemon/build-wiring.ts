// Adapts the network and image services to the builder's hooks: RUN steps join networks as
// containers do (docker's builder runs them on the default bridge), and FROM pulls what is missing.
import type { BuildServiceDeps } from '../build/build-service.js';
import type { StepNetworking } from '../build/run-networks.js';
import type { ImageService } from '../image/image-service.js';
import type { NetworkService } from '../network/network-service.js';
import { BUILD_STEP_HOSTNAME, etcMounts } from '../network/container-etc-files.js';
import { parseReference } from '../oci/reference.js';
import type { AuthConfig } from '../registry/client/auth-config.js';

export function buildNetworkingFor(networks: NetworkService): StepNetworking {
  return {
    async attach(id, mode, filesDir, extraHosts) {
      const r = await networks.attachContainer({
        id, name: id, hostname: BUILD_STEP_HOSTNAME, hostConfig: { NetworkMode: mode, ExtraHosts: [...extraHosts] }, filesDir, etcLayout: 'build-step',
      });
      const userns = r.netnsPath ? networks.usernsOf(r.netnsPath) : undefined;
      return {
        netns: r.netnsPath ? { path: r.netnsPath, ...(userns ? { userns } : {}) } : r.mode === 'host' ? 'host' : 'none',
        mounts: etcMounts(r.files, { layout: 'build-step' }),
      };
    },
    detach: (id) => networks.detachContainer(id),
  };
}

/** The builder's pull hook: credentials belong to a request, so they come with each call. */
export function buildPullFor(images: ImageService): NonNullable<BuildServiceDeps['pull']> {
  return async (ref, report, auths) => {
    report({ type: 'message', text: `Pulling ${ref}` });
    const parsed = parseReference(ref);
    const auth = auths?.get(parsed.domain) as AuthConfig | undefined;
    await images.pull(parsed, auth ? { auth } : {});
  };
}
