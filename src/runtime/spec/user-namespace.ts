// Whether a container gets a user namespace, by docker's rules: with the daemon remapping ids
// (--userns-remap), every container does unless HostConfig.UsernsMode is "host"; privileged
// containers and those sharing the host's network or PID namespace must ask for "host".
// UsernsMode takes only "" and "host", as docker's own check of the setting does.
import { InvalidArgumentError } from '../../errors.js';
import type { IdMap } from '../../oci/id-map.js';
import type { Mount } from './runtime-spec.js';
import type { SpecHostConfig } from './spec-input.js';

/** The mapping the container's user namespace gets, or undefined for none (the host's). */
export function userNamespaceFor(hc: SpecHostConfig, remap: IdMap | undefined): IdMap | undefined {
  const mode = hc.UsernsMode ?? '';
  if (mode !== '' && mode !== 'host') throw new InvalidArgumentError(`invalid USER mode: ${mode}`);
  if (remap === undefined || mode === 'host') return undefined;
  if (hc.Privileged) {
    throw new InvalidArgumentError('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
  }
  if (hc.NetworkMode === 'host') throw new InvalidArgumentError("cannot share the host's network namespace when user namespaces are enabled");
  if (hc.PidMode === 'host') throw new InvalidArgumentError('cannot share the host PID namespace when user namespaces are enabled');
  return remap;
}

/**
 * sysfs can only be mounted by a user namespace that owns the network namespace; a container that
 * joins one made outside (berth's CNI netns, another container's) gets the host's /sys bound
 * read-only instead, as podman does.
 */
export function sysfsForUserNamespace(mounts: Mount[]): Mount[] {
  return mounts.map((m) =>
    m.type === 'sysfs' && m.destination === '/sys'
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
      : m,
  );
}
