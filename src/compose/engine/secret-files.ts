// Secrets and configs as files in the container, as compose does without swarm: a file-based one
// is bind-mounted read-only at its target; one from an environment variable or inline content is
// copied in through PUT /containers/{id}/archive before the container starts.
import { posix } from 'node:path';
import type { ApiClient } from '../../client/api-client.js';
import type { MountSpec } from '../../client/types.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ComposeProject, ServiceConfig, ServiceFileRef } from '../model/project.js';
import { singleFileTar } from './single-file-tar.js';

interface FileCopy {
  target: string;
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

export function secretMounts(project: ComposeProject, service: ServiceConfig): { binds: MountSpec[]; copies: FileCopy[] } {
  const binds: MountSpec[] = [];
  const copies: FileCopy[] = [];
  const add = (kind: 'secrets' | 'configs', ref: ServiceFileRef): void => {
    const def = project[kind][ref.source];
    if (!def) throw new InvalidArgumentError(`service "${service.name}" refers to undefined ${kind.slice(0, -1)} ${ref.source}`);
    const target = targetOf(kind, ref);
    if (def.file) {
      binds.push({ Type: 'bind', Source: def.file, Target: target, ReadOnly: true });
      return;
    }
    const content = def.environment !== undefined ? project.environment[def.environment] ?? '' : def.content ?? '';
    copies.push({ target, content: Buffer.from(content), mode: ref.mode ?? 0o444, uid: Number(ref.uid ?? 0), gid: Number(ref.gid ?? 0) });
  };
  for (const r of service.secrets ?? []) add('secrets', r);
  for (const r of service.configs ?? []) add('configs', r);
  return { binds, copies };
}

function targetOf(kind: 'secrets' | 'configs', ref: ServiceFileRef): string {
  const t = ref.target ?? ref.source;
  if (kind === 'secrets') return t.startsWith('/') ? t : `/run/secrets/${t}`;
  return t.startsWith('/') ? t : `/${t}`;
}

/** Copies the environment- and content-based secrets and configs into a created container. */
export async function copySecretFiles(client: ApiClient, containerId: string, project: ComposeProject, service: ServiceConfig): Promise<void> {
  for (const c of secretMounts(project, service).copies) {
    const tar = singleFileTar(posix.basename(c.target), c.content, c.mode, c.uid, c.gid);
    await client.call('PUT', `/containers/${encodeURIComponent(containerId)}/archive`, {
      query: { path: posix.dirname(c.target) }, body: tar, headers: { 'Content-Type': 'application/x-tar' },
    });
  }
}
