// One container's steps as compose shows them: create (with its secret files), start, stop,
// remove, and the classic recreate (stop the old, set it aside under `<id>_<name>`, create the
// new under the name, remove the old).
import { createContainer, removeContainer, renameContainer, startContainer, stopContainer } from '../../client/containers.js';
import type { ContainerSummary } from '../../client/types.js';
import type { ServiceConfig } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import type { ProgressEvent } from './progress-writer.js';
import { containerCreateBody, type ContainerPlan } from './container-config.js';
import { canonicalContainerName, containerName } from './resource-names.js';
import { copySecretFiles } from './secret-files.js';

export function serviceContainerName(s: ComposeSession, service: ServiceConfig, number: number): string {
  return service.container_name ?? containerName(s.project.name, service.name, number);
}

export async function createServiceContainer(s: ComposeSession, service: ServiceConfig, name: string, plan: ContainerPlan, eventId: string | null = `Container ${name}`): Promise<string> {
  // null: the caller reports this step under its own line (recreate).
  const report = (e: Omit<ProgressEvent, 'id'>): void => {
    if (eventId !== null) s.progress.event({ id: eventId, ...e });
  };
  report({ status: 'working', text: 'Creating' });
  try {
    const { Id } = await createContainer(s.client, containerCreateBody(s.project, service, plan), { name, ...(service.platform ? { platform: service.platform } : {}) });
    await copySecretFiles(s.client, Id, s.project, service);
    report({ status: 'done', text: 'Created' });
    return Id;
  } catch (err) {
    report({ status: 'error', text: 'Error', details: (err as Error).message });
    throw err;
  }
}

export async function startServiceContainer(s: ComposeSession, id: string, name: string): Promise<void> {
  const eventId = `Container ${name}`;
  s.progress.event({ id: eventId, status: 'working', text: 'Starting' });
  try {
    await startContainer(s.client, id);
  } catch (err) {
    s.progress.event({ id: eventId, status: 'error', text: 'Error', details: (err as Error).message });
    throw err;
  }
  s.progress.event({ id: eventId, status: 'done', text: 'Started' });
}

export async function stopAndRemove(s: ComposeSession, c: ContainerSummary, o: { timeout?: number; volumes?: boolean; stop?: boolean } = {}): Promise<void> {
  const eventId = `Container ${canonicalContainerName(c.Names)}`;
  if (o.stop !== false && (c.State === 'running' || c.State === 'paused' || c.State === 'restarting')) {
    s.progress.event({ id: eventId, status: 'working', text: 'Stopping' });
    await stopContainer(s.client, c.Id, o.timeout !== undefined ? { timeout: o.timeout } : {});
    s.progress.event({ id: eventId, status: 'done', text: 'Stopped' });
  }
  s.progress.event({ id: eventId, status: 'working', text: 'Removing' });
  await removeContainer(s.client, c.Id, { force: true, volumes: o.volumes ?? false });
  s.progress.event({ id: eventId, status: 'done', text: 'Removed' });
}

/** Replaces a container whose configuration changed: the new one takes the old one's name. Returns the new id. */
export async function recreateContainer(s: ComposeSession, service: ServiceConfig, old: ContainerSummary, number: number, o: { timeout?: number; renewAnonVolumes?: boolean } = {}): Promise<string> {
  const name = serviceContainerName(s, service, number);
  const eventId = `Container ${name}`;
  s.progress.event({ id: eventId, status: 'working', text: 'Recreate' });
  if (old.State === 'running' || old.State === 'paused' || old.State === 'restarting') {
    await stopContainer(s.client, old.Id, o.timeout !== undefined ? { timeout: o.timeout } : {});
  }
  await renameContainer(s.client, old.Id, `${old.Id.slice(0, 12)}_${name}`);
  let id: string;
  try {
    const inheritedVolumes = o.renewAnonVolumes ? {} : anonymousVolumes(old);
    id = await createServiceContainer(s, service, name, { number, inheritedVolumes }, null);
  } catch (err) {
    await renameContainer(s.client, old.Id, name).catch(() => undefined);
    throw err;
  }
  await removeContainer(s.client, old.Id, { force: true, volumes: o.renewAnonVolumes ?? false });
  s.progress.event({ id: eventId, status: 'done', text: 'Recreated' });
  return id;
}

/**
 * The old container's anonymous volumes by target (docker names those with 64 hex digits; named
 * ones are the service's own and come from its configuration again).
 */
export function anonymousVolumes(old: ContainerSummary): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of old.Mounts ?? []) {
    if (m.Type === 'volume' && m.Name && m.Destination && /^[0-9a-f]{64}$/.test(m.Name)) out[m.Destination] = m.Name;
  }
  return out;
}
