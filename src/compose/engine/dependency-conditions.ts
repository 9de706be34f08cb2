// depends_on conditions, checked through the API: service_started (a container runs),
// service_healthy (its health check says healthy), service_completed_successfully (it exited 0).
import type { ApiClient } from '../../client/api-client.js';
import { inspectContainer } from '../../client/containers.js';
import type { ContainerInspect } from '../../client/types.js';
import { ConflictError } from '../../errors.js';
import type { ServiceDependency } from '../model/project.js';
import { projectContainers } from './project-containers.js';
import type { ProgressWriter } from './progress-writer.js';
import { canonicalContainerName } from './resource-names.js';

const POLL_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitForDependency(client: ApiClient, project: string, service: string, dep: ServiceDependency, progress: ProgressWriter, deadline = Infinity): Promise<void> {
  const containers = await projectContainers(client, project, { services: [service] });
  if (containers.length === 0) {
    if (!dep.required) return;
    throw new ConflictError(`service "${service}" has no container to wait for`);
  }
  await Promise.all(containers.map((c) => waitForContainer(client, c.Id, `Container ${canonicalContainerName(c.Names)}`, dep.condition, progress, deadline)));
}

/** Waits until one container meets a condition; throws with compose's words when it never will. */
export async function waitForContainer(
  client: ApiClient, id: string, eventId: string, condition: ServiceDependency['condition'] | 'running_or_healthy',
  progress: ProgressWriter, deadline = Infinity,
): Promise<void> {
  if (condition === 'service_started') return;
  progress.event({ id: eventId, status: 'working', text: 'Waiting' });
  for (;;) {
    const c = await inspectContainer(client, id);
    const verdict = judge(c, condition, eventId.replace(/^Container /, ''));
    if (verdict === 'met') {
      progress.event({ id: eventId, status: 'done', text: condition === 'service_completed_successfully' ? 'Exited' : c.State?.Health ? 'Healthy' : 'Running' });
      return;
    }
    if (verdict !== 'pending') {
      progress.event({ id: eventId, status: 'error', text: 'Error', details: verdict });
      throw new ConflictError(verdict);
    }
    if (Date.now() > deadline) throw new ConflictError(`timeout waiting for ${eventId.replace(/^Container /, '')}`);
    await sleep(POLL_MS);
  }
}

function judge(c: ContainerInspect, condition: string, name: string): 'met' | 'pending' | string {
  const st = c.State ?? {};
  if (condition === 'service_completed_successfully') {
    if (st.Running || st.Status === 'created' || st.Restarting) return 'pending';
    return st.ExitCode === 0 ? 'met' : `service "${c.Config?.Labels?.['com.docker.compose.service'] ?? name}" didn't complete successfully: exit ${st.ExitCode ?? 1}`;
  }
  const health = st.Health?.Status;
  if (condition === 'service_healthy') {
    if (!c.Config?.Healthcheck || c.Config.Healthcheck.Test?.[0] === 'NONE') return `container ${name} has no healthcheck configured`;
    if (health === 'healthy') return 'met';
    if (health === 'unhealthy') return `dependency failed to start: container ${name} is unhealthy`;
    if (!st.Running && st.Status === 'exited') return `dependency failed to start: container ${name} exited (${st.ExitCode ?? 0})`;
    return 'pending';
  }
  // running_or_healthy: `up --wait` and --rolling: healthy when there is a check, else running.
  if (st.Status === 'exited' && st.ExitCode === 0 && !c.HostConfig?.RestartPolicy?.Name?.match(/always|unless-stopped/)) return 'met';
  if (!st.Running) return st.Status === 'exited' ? `container ${name} exited (${st.ExitCode ?? 0})` : 'pending';
  if (health === undefined || health === '') return 'met';
  if (health === 'healthy') return 'met';
  if (health === 'unhealthy') return `container ${name} is unhealthy${lastProbe(c)}`;
  return 'pending';
}

function lastProbe(c: ContainerInspect): string {
  const log = (c.State?.Health as { Log?: { ExitCode?: number; Output?: string }[] } | undefined)?.Log;
  const last = log?.[log.length - 1];
  if (!last) return '';
  const out = (last.Output ?? '').trim();
  return `: health check exited ${last.ExitCode ?? '?'}${out ? ` (${out})` : ''}`;
}
