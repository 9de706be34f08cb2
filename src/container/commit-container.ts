// `docker commit`: the container's changes (its snapshot's upper dir) become a new layer over its
// image, and its config (with the caller's overrides and `--change`s) the new image's config.
// The container is paused meanwhile unless asked not to be, so the layer is consistent.
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { ContainerConfig, ImageConfig } from '../oci/image-spec.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { commitSnapshotLayer } from '../image/commit-layer.js';
import { applyConfigChanges } from '../image/config-changes.js';
import type { ContainerService } from './container-service.js';

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  changes: string[];
  /** Config overrides from the request body. */
  config?: ContainerConfig;
}

const CONFIG_KEYS: Array<keyof ContainerConfig> = [
  'User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped', 'Healthcheck', 'OnBuild', 'Shell',
];

/** docker's merge: what the user set wins; the container's config fills the rest. */
function mergeConfig(user: ContainerConfig, ctr: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = { ...user };
  if (!out.User) out.User = ctr.User ?? '';
  const env = [...(out.Env ?? [])];
  for (const e of ctr.Env ?? []) {
    const k = e.split('=')[0];
    if (!env.some((x) => x.split('=')[0] === k)) env.push(e);
  }
  out.Env = env;
  out.Labels = { ...(ctr.Labels ?? {}), ...(out.Labels ?? {}) };
  if (!out.Entrypoint || out.Entrypoint.length === 0) {
    if (!out.Cmd || out.Cmd.length === 0) out.Cmd = ctr.Cmd ?? null;
    if (out.Entrypoint === undefined || out.Entrypoint === null) out.Entrypoint = ctr.Entrypoint ?? null;
  }
  if (ctr.ExposedPorts || out.ExposedPorts) out.ExposedPorts = { ...(ctr.ExposedPorts ?? {}), ...(out.ExposedPorts ?? {}) };
  if (ctr.Volumes || out.Volumes) out.Volumes = { ...(ctr.Volumes ?? {}), ...(out.Volumes ?? {}) };
  if (!out.WorkingDir) out.WorkingDir = ctr.WorkingDir ?? '';
  if (!out.StopSignal && ctr.StopSignal) out.StopSignal = ctr.StopSignal;
  if (!out.Healthcheck && ctr.Healthcheck) out.Healthcheck = ctr.Healthcheck;
  if ((!out.OnBuild || out.OnBuild.length === 0) && ctr.OnBuild) out.OnBuild = ctr.OnBuild;
  return out;
}

function pick(cfg: Record<string, unknown>): ContainerConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (cfg[k] !== undefined) out[k] = cfg[k];
  return out as ContainerConfig;
}

export async function commitContainer(cs: ContainerService, idOrName: string, o: CommitOptions): Promise<{ Id: string }> {
  const c = cs.store.resolve(idOrName);
  if (c.state.Status === 'removing' || c.state.Status === 'dead') throw new ConflictError(`cannot commit a container that is being removed: ${c.id}`);
  let ref: Reference | undefined;
  if (o.repo) {
    ref = parseReference(o.tag ? `${o.repo}:${o.tag}` : o.repo);
  } else if (o.tag) throw new InvalidArgumentError('tag is specified without a repository');
  const images = cs.deps.images;
  const image = images.store.get(c.imageId);
  if (!image) throw new ConflictError(`the image of container ${c.id} is gone`);
  const userConfig = applyConfigChanges(pick((o.config ?? {}) as Record<string, unknown>), o.changes);
  const config = mergeConfig(userConfig, pick(c.config));
  // As docker: a running container is paused (its state and events say so) until its image is
  // made and announced; a paused or stopped one is committed as it is.
  const pause = o.pause && c.state.Status === 'running' && (await pauseForCommit(cs, c.id));
  try {
    const layer = await commitSnapshotLayer(images, c.id, images.topChainId(image));
    const created = new Date().toISOString();
    const base = image.config;
    const imageConfig: ImageConfig = {
      architecture: base.architecture,
      os: base.os,
      ...(base.variant ? { variant: base.variant } : {}),
      created,
      ...(o.author ? { author: o.author } : {}),
      config,
      rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, layer.diffId] },
      history: [
        ...(base.history ?? []),
        { created, created_by: [c.path, ...c.args].join(' '), ...(o.author ? { author: o.author } : {}), ...(o.comment ? { comment: o.comment } : {}) },
      ],
      ...(o.comment ? { comment: o.comment } : {}),
      container: c.id,
      container_config: { ...pick(c.config), Hostname: c.config.Hostname ?? '', Image: c.config.Image ?? '' },
    };
    const rec = await images.commitImage({ config: imageConfig, layers: [...image.layers, layer], tags: ref ? [ref] : [], parent: image.id });
    cs.emit(c, 'commit', { comment: o.comment ?? '', imageID: rec.id, ...(ref ? { imageRef: `${o.repo}:${o.tag || 'latest'}` } : {}) });
    return { Id: rec.id };
  } finally {
    if (pause && cs.store.get(c.id)?.state.Status === 'paused') await cs.unpause(c.id).catch(() => undefined);
  }
}

/** Pauses the container; false when its process ended meanwhile (it is then committed as it is). */
async function pauseForCommit(cs: ContainerService, id: string): Promise<boolean> {
  try {
    await cs.pause(id);
    return true;
  } catch (err) {
    const task = await cs.deps.runtime.state(id).catch(() => undefined);
    if (!task || task.status === 'stopped') return false;
    throw err;
  }
}
