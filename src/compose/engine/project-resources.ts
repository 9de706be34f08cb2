// The networks and volumes a project declares: created with compose's labels when missing,
// checked when external, removed by `down` (volumes only with -v; external ones never).
import type { ApiClient } from '../../client/api-client.js';
import { ApiError } from '../../client/api-error.js';
import { createNetwork, inspectNetwork, listNetworks, removeNetwork } from '../../client/networks.js';
import { createVolume, inspectVolume, listVolumes, removeVolume } from '../../client/volumes.js';
import { NotFoundError } from '../../errors.js';
import type { ComposeProject } from '../model/project.js';
import { COMPOSE_VERSION, NETWORK_LABEL, PROJECT_LABEL, VERSION_LABEL, VOLUME_LABEL } from './labels.js';
import type { ProgressWriter } from './progress-writer.js';

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.statusCode === 404;

/** Networks the chosen services use, created when missing. */
export async function ensureNetworks(client: ApiClient, project: ComposeProject, keys: readonly string[], progress: ProgressWriter): Promise<void> {
  await Promise.all(keys.map(async (key) => {
    const n = project.networks[key];
    if (!n) return;
    try {
      await inspectNetwork(client, n.name);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (n.external) throw new NotFoundError(`network ${n.name} declared as external, but could not be found`);
    const id = `Network ${n.name}`;
    progress.event({ id, status: 'working', text: 'Creating' });
    const ipam = n.ipam ?? {};
    await createNetwork(client, {
      Name: n.name,
      Driver: n.driver ?? 'bridge',
      IPAM: {
        Driver: ipam.driver ?? 'default',
        Config: (ipam.config ?? []).map((c) => ({
          ...(c.subnet ? { Subnet: c.subnet } : {}), ...(c.ip_range ? { IPRange: c.ip_range } : {}),
          ...(c.gateway ? { Gateway: c.gateway } : {}), ...(c.aux_addresses ? { AuxiliaryAddresses: c.aux_addresses } : {}),
        })),
        Options: ipam.options ?? {},
      },
      Internal: n.internal ?? false,
      Attachable: n.attachable ?? false,
      Ingress: false,
      ConfigOnly: false,
      ...(n.enable_ipv6 ? { EnableIPv6: true } : {}),
      Options: n.driver_opts ?? {},
      Labels: { ...n.labels, [NETWORK_LABEL]: key, [PROJECT_LABEL]: project.name, [VERSION_LABEL]: COMPOSE_VERSION },
    });
    progress.event({ id, status: 'done', text: 'Created' });
  }));
}

/** Volumes the chosen services mount, created when missing. */
export async function ensureVolumes(client: ApiClient, project: ComposeProject, keys: readonly string[], progress: ProgressWriter): Promise<void> {
  await Promise.all(keys.map(async (key) => {
    const v = project.volumes[key];
    if (!v) return;
    try {
      await inspectVolume(client, v.name);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (v.external) throw new NotFoundError(`external volume "${v.name}" not found`);
    const id = `Volume ${v.name}`;
    progress.event({ id, status: 'working', text: 'Creating' });
    await createVolume(client, {
      Name: v.name,
      Driver: v.driver ?? 'local',
      DriverOpts: v.driver_opts ?? {},
      Labels: { ...v.labels, [VOLUME_LABEL]: key, [PROJECT_LABEL]: project.name, [VERSION_LABEL]: COMPOSE_VERSION },
    });
    progress.event({ id, status: 'done', text: 'Created' });
  }));
}

/** The networks of the project on the engine: those it declares and any left labelled with its name. */
export async function removeProjectNetworks(client: ApiClient, project: string, declared: readonly string[], progress: ProgressWriter): Promise<void> {
  const labelled = (await listNetworks(client, { label: [`${PROJECT_LABEL}=${project}`] })).map((n) => n.Name);
  const names = [...new Set([...declared, ...labelled])];
  await Promise.all(names.map(async (name) => {
    const id = `Network ${name}`;
    try {
      await inspectNetwork(client, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    progress.event({ id, status: 'working', text: 'Removing' });
    try {
      await removeNetwork(client, name);
      progress.event({ id, status: 'done', text: 'Removed' });
    } catch (err) {
      if (isNotFound(err)) progress.event({ id, status: 'warning', text: 'No resource found to remove' });
      else if (err instanceof ApiError && err.statusCode === 403) progress.event({ id, status: 'warning', text: 'Resource is still in use' });
      else throw err;
    }
  }));
}

export async function removeProjectVolumes(client: ApiClient, project: string, declared: readonly string[], progress: ProgressWriter): Promise<void> {
  const labelled = (await listVolumes(client, { label: [`${PROJECT_LABEL}=${project}`] })).map((v) => v.Name);
  const names = [...new Set([...declared, ...labelled])];
  await Promise.all(names.map(async (name) => {
    const id = `Volume ${name}`;
    progress.event({ id, status: 'working', text: 'Removing' });
    try {
      await removeVolume(client, name);
      progress.event({ id, status: 'done', text: 'Removed' });
    } catch (err) {
      if (isNotFound(err)) progress.event({ id, status: 'done', text: 'Warning: No resource found to remove' });
      else if (err instanceof ApiError && err.statusCode === 409) progress.event({ id, status: 'warning', text: 'Resource is still in use' });
      else throw err;
    }
  }));
}
