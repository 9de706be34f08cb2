// `up --rolling` (berth's own): replaces a running container without a gap. The new container
// starts beside the old one under a temporary name, not yet answering to the service's name;
// once healthy (or running, without a health check) it takes the service's DNS name on each
// network, the old one leaves the networks, stops and is removed, and the new one takes its
// name. When the new one never gets healthy it is removed and the old one keeps serving.
// Fixed host ports cannot be held by two containers: those are moved by a short stop/start of
// the new container (docs/compose.md says so); ephemeral ones and DNS move without a gap.
import { connectNetwork, disconnectNetwork } from '../../client/networks.js';
import { removeContainer, renameContainer, stopContainer } from '../../client/containers.js';
import type { ContainerSummary } from '../../client/types.js';
import { ConflictError } from '../../errors.js';
import type { ServiceConfig } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import { waitForContainer } from './dependency-conditions.js';
import { newSlug } from './resource-names.js';
import { createServiceContainer, recreateContainer, serviceContainerName, startServiceContainer } from './service-containers.js';

/** How long a new container may take to become healthy before the update is given up. */
const READY_TIMEOUT_MS = 5 * 60_000;

export async function rollingReplace(s: ComposeSession, svc: ServiceConfig, old: ContainerSummary, number: number, timeout?: number): Promise<string> {
  const name = serviceContainerName(s, svc, number);
  const eventId = `Container ${name}`;
  const fixedPorts = svc.ports.some((p) => p.published !== undefined);
  const tempName = `${name}-next-${newSlug().slice(0, 8)}`;
  s.progress.event({ id: eventId, status: 'working', text: 'Rolling', details: `starting ${tempName}` });
  const id = await createServiceContainer(s, svc, tempName, { number, overrides: { notByServiceName: true, ...(fixedPorts ? { noPorts: true } : {}) } }, null);
  try {
    await startServiceContainer(s, id, tempName);
    await waitForContainer(s.client, id, `Container ${tempName}`, 'running_or_healthy', s.progress, Date.now() + READY_TIMEOUT_MS);
  } catch (err) {
    await removeContainer(s.client, id, { force: true }).catch(() => undefined);
    const why = (err as Error).message;
    s.progress.event({ id: eventId, status: 'error', text: 'Error', details: `rolling update failed, the old container keeps serving: ${why}` });
    throw new ConflictError(`rolling update of ${name} failed, the old container keeps serving: ${why}`);
  }
  // The service's name moves: the new container joins under it, then the old one leaves.
  for (const [key, n] of Object.entries(svc.networks)) {
    const net = s.project.networks[key]!.name;
    await disconnectNetwork(s.client, net, id, true);
    await connectNetwork(s.client, net, id, {
      Aliases: [svc.name, ...(n.aliases ?? [])],
      ...(n.ipv6_address ? { IPAMConfig: { IPv6Address: n.ipv6_address } } : {}),
    });
  }
  for (const key of Object.keys(svc.networks)) {
    await disconnectNetwork(s.client, s.project.networks[key]!.name, old.Id, true).catch(() => undefined);
  }
  await stopContainer(s.client, old.Id, timeout !== undefined ? { timeout } : {});
  await removeContainer(s.client, old.Id, { force: true });
  await renameContainer(s.client, id, name);
  let current = id;
  if (fixedPorts) {
    // The old container's host ports are free now: one more replacement binds them.
    current = await recreateContainer(s, svc, { Id: id, Names: [`/${name}`], State: 'running', Created: 0 }, number, timeout !== undefined ? { timeout } : {});
    await startServiceContainer(s, current, name);
  }
  s.progress.event({ id: eventId, status: 'done', text: 'Replaced' });
  return current;
}
