// A project's containers as the engine knows them, found by compose's labels (so containers made
// by docker compose or docker-compose 1.x count as well).
import type { ApiClient } from '../../client/api-client.js';
import { listContainers } from '../../client/containers.js';
import type { ContainerSummary } from '../../client/types.js';
import { CONTAINER_NUMBER_LABEL, ONEOFF_LABEL, PROJECT_LABEL, SERVICE_LABEL } from './labels.js';

export interface ProjectContainerQuery {
  /** Stopped ones too (default true: compose acts on every container of a project). */
  all?: boolean;
  services?: readonly string[];
  /** 'exclude' (default), 'include', or 'only' (the containers of `run`). */
  oneoff?: 'exclude' | 'include' | 'only';
}

export async function projectContainers(client: ApiClient, project: string, q: ProjectContainerQuery = {}): Promise<ContainerSummary[]> {
  const label = [`${PROJECT_LABEL}=${project}`];
  if (q.services?.length === 1) label.push(`${SERVICE_LABEL}=${q.services[0]}`);
  const oneoff = q.oneoff ?? 'exclude';
  // docker-compose 1.x wrote no oneoff label on service containers: filter here, not by label.
  const found = await listContainers(client, { all: q.all ?? true, filters: { label } });
  return found
    .filter((c) => !q.services || q.services.length === 0 || q.services.includes(serviceOf(c)))
    .filter((c) => {
      const isOneoff = c.Labels?.[ONEOFF_LABEL] === 'True';
      return oneoff === 'include' || (oneoff === 'only' ? isOneoff : !isOneoff);
    })
    .sort((a, b) => serviceOf(a).localeCompare(serviceOf(b)) || numberOf(a) - numberOf(b));
}

export function serviceOf(c: ContainerSummary): string {
  return c.Labels?.[SERVICE_LABEL] ?? '';
}

export function numberOf(c: ContainerSummary): number {
  return Number(c.Labels?.[CONTAINER_NUMBER_LABEL] ?? 0);
}
