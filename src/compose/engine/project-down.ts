// `down`: the project's containers stopped (dependants first) and removed, then its networks,
// with -v its volumes, with --rmi its images. Works from the project name alone too: what the
// engine labels with it is what goes.
import type { ApiClient } from '../../client/api-client.js';
import { ApiError } from '../../client/api-error.js';
import { removeImage } from '../../client/images.js';
import type { ComposeProject } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import { serviceImage } from './container-config.js';
import { projectContainers, serviceOf } from './project-containers.js';
import { removeProjectNetworks, removeProjectVolumes } from './project-resources.js';
import type { ProgressWriter } from './progress-writer.js';
import { stopAndRemove } from './service-containers.js';
import { inDependencyOrder } from './service-order.js';

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  timeout?: number;
  rmi?: 'local' | 'all';
}

export async function projectDown(client: ApiClient, projectName: string, project: ComposeProject | undefined, progress: ProgressWriter, o: DownOptions = {}): Promise<void> {
  const s: ComposeSession = { client, project: project ?? emptyProject(projectName), progress, images: { pull: async () => {}, build: async () => {} } };
  const all = await projectContainers(client, projectName, { oneoff: 'include' });
  const known = project ? new Set(Object.keys(project.services)) : undefined;
  const stop = { ...(o.timeout !== undefined ? { timeout: o.timeout } : {}) };
  if (project) {
    await inDependencyOrder(project.services, Object.keys(project.services), async (svc) => {
      await Promise.all(all.filter((c) => serviceOf(c) === svc.name).map((c) => stopAndRemove(s, c, stop)));
    }, { reverse: true });
  }
  const rest = all.filter((c) => !known || !known.has(serviceOf(c)));
  // Orphans (services no longer in the file) go only when asked, as in compose; one-off containers always.
  const orphans = rest.filter((c) => !known || o.removeOrphans || c.Labels?.['com.docker.compose.oneoff'] === 'True');
  await Promise.all(orphans.map((c) => stopAndRemove(s, c, stop)));
  const declaredNetworks = project ? Object.values(project.networks).filter((n) => !n.external).map((n) => n.name) : [];
  await removeProjectNetworks(client, projectName, declaredNetworks, progress);
  if (o.volumes) {
    const declaredVolumes = project ? Object.values(project.volumes).filter((v) => !v.external).map((v) => v.name) : [];
    await removeProjectVolumes(client, projectName, declaredVolumes, progress);
  }
  if (o.rmi && project) {
    const images = Object.values(project.services).filter((svc) => o.rmi === 'all' || !svc.image).map((svc) => serviceImage(project, svc));
    await Promise.all([...new Set(images)].map(async (image) => {
      const id = `Image ${image}`;
      progress.event({ id, status: 'working', text: 'Removing' });
      try {
        await removeImage(client, image);
        progress.event({ id, status: 'done', text: 'Removed' });
      } catch (err) {
        if (err instanceof ApiError && err.statusCode === 404) progress.event({ id, status: 'warning', text: 'No resource found to remove' });
        else throw err;
      }
    }));
  }
}

function emptyProject(name: string): ComposeProject {
  return { name, workingDir: '', configFiles: [], environment: {}, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, disabledServices: {} };
}
