// Makes sure a service's image is there before its containers are created: pulled or built by
// pull_policy (`missing` by default; `build` and `--build` build; `always`/`--pull always` pull).
import { ApiError } from '../../client/api-error.js';
import { inspectImage } from '../../client/images.js';
import type { ServiceConfig } from '../model/project.js';
import type { ComposeSession } from './compose-session.js';
import { serviceImage } from './container-config.js';

export type PullPolicy = 'missing' | 'always' | 'never' | 'build';

async function imageExists(s: ComposeSession, image: string): Promise<boolean> {
  try {
    await inspectImage(s.client, image);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return false;
    throw err;
  }
}

export async function ensureServiceImage(s: ComposeSession, service: ServiceConfig, o: { build?: boolean; pull?: PullPolicy } = {}): Promise<void> {
  const image = serviceImage(s.project, service);
  const policy = o.pull ?? normalizePolicy(service.pull_policy);
  if (service.build && (o.build || policy === 'build' || !(await imageExists(s, image)))) {
    await buildServiceImage(s, service);
    return;
  }
  if (policy === 'always' || (policy !== 'never' && !(await imageExists(s, image)))) {
    await pullServiceImage(s, service);
  }
}

export async function buildServiceImage(s: ComposeSession, service: ServiceConfig): Promise<void> {
  const image = serviceImage(s.project, service);
  const id = `Image ${image}`;
  s.progress.event({ id, status: 'working', text: 'Building' });
  await s.images.build(service, image);
  s.progress.event({ id, status: 'done', text: 'Built' });
}

export async function pullServiceImage(s: ComposeSession, service: ServiceConfig): Promise<void> {
  const image = serviceImage(s.project, service);
  const id = `Image ${image}`;
  s.progress.event({ id, status: 'working', text: 'Pulling' });
  try {
    await s.images.pull(image, service.platform);
  } catch (err) {
    s.progress.event({ id, status: 'error', text: 'Error', details: (err as Error).message });
    throw err;
  }
  s.progress.event({ id, status: 'done', text: 'Pulled' });
}

function normalizePolicy(p: string | undefined): PullPolicy {
  if (p === 'always' || p === 'never' || p === 'build') return p;
  return 'missing';
}
