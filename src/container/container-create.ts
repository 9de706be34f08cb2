// `docker create`: the image resolved and its config merged under the request's (docker's rules),
// HostConfig settled and checked, a name chosen, the container's snapshot prepared and its record stored.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ImageRecord } from '../image/image-store.js';
import { familiarString, parseReference, withDefaultTag } from '../oci/reference.js';
import { userNamespaceFor } from '../runtime/spec/user-namespace.js';
import type { ContainerCore } from './container-core.js';
import type { CreateRequest } from './container-deps.js';
import { generateContainerName, validateContainerName } from './container-names.js';
import type { ApiConfig, ApiHostConfig, ContainerRecord } from './container-record.js';
import { initialEndpointsConfig, type EndpointsConfig } from './endpoints-config.js';
import { normalizeLinks } from './legacy-links.js';
import { settleHostConfig } from './create-host-config.js';
import { mergeHealthcheck, validateHealthOnFailure } from './health-policy.js';
import { settleLogConfig } from './log-driver.js';
import { validateRestartPolicy } from './restart-policy.js';

export async function createContainer(core: ContainerCore, name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
  const { deps, store } = core;
  const imageName = String(req.Image ?? '');
  if (!imageName) throw new InvalidArgumentError('config cannot be empty in order to create a container');
  let image: ImageRecord;
  try {
    image = deps.images.resolve(imageName);
  } catch (err) {
    if (err instanceof NotFoundError) {
      let shown = imageName;
      try {
        shown = familiarString(withDefaultTag(parseReference(imageName)));
      } catch {
        // an id prefix or invalid reference: show as given
      }
      throw new NotFoundError(`No such image: ${shown}`);
    }
    throw err;
  }
  const hostConfig: ApiHostConfig = { ...(req.HostConfig ?? {}) };
  if (hostConfig.AutoRemove && hostConfig.RestartPolicy?.Name && !['', 'no'].includes(hostConfig.RestartPolicy.Name)) {
    throw new InvalidArgumentError("conflicting options: cannot specify both --restart and --rm");
  }
  const policyError = validateRestartPolicy(hostConfig.RestartPolicy) ?? validateHealthOnFailure(hostConfig.HealthOnFailure);
  if (policyError) throw new InvalidArgumentError(policyError);
  const warnings = await settleHostConfig(hostConfig);
  if (!hostConfig.NetworkMode || hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = 'bridge';
  userNamespaceFor(hostConfig, deps.userns?.idMap);
  hostConfig.LogConfig = settleLogConfig(hostConfig.LogConfig);
  if (!hostConfig.RestartPolicy) hostConfig.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
  const config = mergeImageConfig(req, image);
  const id = randomBytes(32).toString('hex');
  if (!config.Hostname) config.Hostname = id.slice(0, 12);
  const entry = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (entry.length === 0) throw new InvalidArgumentError('no command specified');
  const networkingConfig = initialNetworkingConfig(core, hostConfig, req);
  let cname: string;
  if (name) cname = validateContainerName(name);
  else {
    cname = generateContainerName();
    for (let i = 1; store.find(cname) && i < 10; i++) cname = generateContainerName(i);
  }
  if (store.find(cname.slice(1))?.name === cname) {
    const other = store.find(cname.slice(1))!;
    throw new ConflictError(
      `Conflict. The container name "${cname}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  const links = hostConfig.Links as string[] | null | undefined;
  if (links && links.length > 0) hostConfig.Links = normalizeLinks(links, cname, (ref) => store.find(ref));
  const rec: ContainerRecord = {
    id,
    name: cname,
    created: new Date().toISOString(),
    imageId: image.id,
    imageName,
    path: entry[0]!,
    args: entry.slice(1),
    config,
    hostConfig,
    networkingConfig,
    state: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', OOMKilled: false },
    restartCount: 0,
    logPath: deps.paths.logPath(id),
  };
  await mkdir(deps.paths.dataDir(id), { recursive: true });
  await deps.snapshots.prepare(id, deps.images.topChainId(image), { labels: { 'berth.container': id } });
  try {
    if (deps.volumes?.prepare) rec.mounts = await deps.volumes.prepare(rec);
    store.insert(rec);
  } catch (err) {
    await deps.volumes?.release?.(rec, true).catch(() => undefined);
    await deps.snapshots.remove(id).catch(() => undefined);
    await rm(deps.paths.dataDir(id), { recursive: true, force: true });
    throw err;
  }
  core.emit(rec, 'create');
  return { Id: id, Warnings: warnings };
}

/** The request's NetworkingConfig with its endpoints config filled (endpoints-config.ts). */
function initialNetworkingConfig(core: ContainerCore, hostConfig: ApiHostConfig, req: CreateRequest): Record<string, unknown> {
  const requested = (req.NetworkingConfig as { EndpointsConfig?: EndpointsConfig | null } | undefined)?.EndpointsConfig;
  const networking = core.deps.networking;
  const nameOf = (ref: string): string => (networking ? networking.network(ref).name : ref);
  const mac = typeof req.MacAddress === 'string' ? req.MacAddress : undefined;
  return { ...(req.NetworkingConfig ?? {}), EndpointsConfig: initialEndpointsConfig(String(hostConfig.NetworkMode), requested, nameOf, mac) };
}

/** Image config under the request's: docker's merge rules (Cmd from image only when no Entrypoint given). */
function mergeImageConfig(req: CreateRequest, image: ImageRecord): ApiConfig {
  const ic = image.config.config ?? {};
  const { HostConfig: _hc, NetworkingConfig: _nc, ...cfg } = req;
  void _hc;
  void _nc;
  const out: ApiConfig = { ...cfg };
  const userEnv = cfg.Env ?? [];
  const env = [...(ic.Env ?? [])];
  for (const e of userEnv) {
    const k = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === k);
    if (i === -1) env.push(e);
    else env[i] = e;
  }
  out.Env = env;
  const hasEntrypoint = cfg.Entrypoint !== undefined && cfg.Entrypoint !== null;
  if (!hasEntrypoint) out.Entrypoint = ic.Entrypoint ?? null;
  else if (cfg.Entrypoint!.length === 1 && cfg.Entrypoint![0] === '') out.Entrypoint = null;
  if (!cfg.Cmd || cfg.Cmd.length === 0) out.Cmd = hasEntrypoint ? (cfg.Cmd ?? null) : (ic.Cmd ?? null);
  if (!cfg.WorkingDir) out.WorkingDir = ic.WorkingDir ?? '';
  if (!cfg.User) out.User = ic.User ?? '';
  out.Labels = { ...(ic.Labels ?? {}), ...(cfg.Labels ?? {}) };
  if (ic.ExposedPorts || cfg.ExposedPorts) out.ExposedPorts = { ...(ic.ExposedPorts ?? {}), ...(cfg.ExposedPorts ?? {}) };
  if (ic.Volumes || cfg.Volumes) out.Volumes = { ...(ic.Volumes ?? {}), ...(cfg.Volumes ?? {}) };
  if (!cfg.StopSignal && ic.StopSignal) out.StopSignal = ic.StopSignal;
  if (ic.Healthcheck) out.Healthcheck = mergeHealthcheck(cfg.Healthcheck, ic.Healthcheck);
  if (ic.OnBuild) out.OnBuild = ic.OnBuild;
  out.Image = String(req.Image);
  return out;
}
