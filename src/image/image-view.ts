// Docker's JSON views of an image record: ImageInspect and the history rows.
import type { ContainerConfig } from '../oci/image-spec.js';
import type { ImageRecord } from './image-store.js';

export function imageSize(img: ImageRecord): number {
  return img.layers.reduce((n, l) => n + l.size, 0);
}

/** Docker's ImageInspect JSON; `tags` are the familiar names pointing at it. */
export function inspectImage(image: ImageRecord, tags: string[]): Record<string, unknown> {
  const c = image.config;
  return {
    Id: image.id,
    RepoTags: tags,
    RepoDigests: image.repoDigests,
    Parent: image.parent ?? '',
    Comment: c.comment ?? c.history?.[c.history.length - 1]?.comment ?? '',
    Created: c.created ?? '0001-01-01T00:00:00Z',
    Container: c.container ?? '',
    ContainerConfig: { ...imageContainerConfig(c.container_config), Hostname: c.container_config?.Hostname ?? '', Image: c.container_config?.Image ?? '' },
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: imageContainerConfig(c.config),
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: imageSize(image),
    GraphDriver: { Name: 'overlay2', Data: null },
    RootFS: { Type: 'layers', Layers: c.rootfs?.diff_ids ?? [] },
    Metadata: { LastTagTime: image.added },
  };
}

/** Docker's history: newest first, the image's ID and tags on the top row. */
export function imageHistory(image: ImageRecord, tags: string[]): Array<Record<string, unknown>> {
  const hist = image.config.history ?? [];
  let layerIdx = 0;
  const rows = hist.map((h) => {
    const size = h.empty_layer ? 0 : (image.layers[layerIdx++]?.size ?? 0);
    return { Id: '<missing>', Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0, CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
  });
  if (rows.length === 0) rows.push({ Id: '<missing>', Created: 0, CreatedBy: '', Tags: null, Size: imageSize(image), Comment: '' });
  rows.reverse();
  rows[0]!.Id = image.id;
  rows[0]!.Tags = tags;
  return rows;
}

/** The image's container config as docker's inspect shows it (all keys present). */
export function imageContainerConfig(c: ContainerConfig | undefined): Record<string, unknown> {
  const cfg = c ?? {};
  return {
    Hostname: '', Domainname: '', User: cfg.User ?? '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
    Tty: false, OpenStdin: false, StdinOnce: false,
    Env: cfg.Env ?? null, Cmd: cfg.Cmd ?? null,
    ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
    ...(cfg.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: '', Volumes: cfg.Volumes ?? null, WorkingDir: cfg.WorkingDir ?? '', Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null, Labels: cfg.Labels ?? null,
    ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
    ...(cfg.Shell ? { Shell: cfg.Shell } : {}),
  };
}
