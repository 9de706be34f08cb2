// `run|create --use-api-socket` (docker 28): the daemon's unix socket is bind-mounted at the path
// clients look at by default, and the caller's registry credentials are copied in as a docker
// config file that DOCKER_CONFIG points at. Client-side only, as in docker: the daemon sees a bind
// mount and a file copy.
import tarStream from 'tar-stream';
import type { ApiClient } from '../../client/api-client.js';
import type { ContainerCreateRequest } from '../../client/types.js';

const SOCKET_IN_CONTAINER = '/var/run/docker.sock';
const CONFIG_DIR_IN_CONTAINER = '/run/secrets/docker';

/** Adds the socket mount and DOCKER_CONFIG (unless the caller set one) to a create body. */
export function withApiSocket(client: ApiClient, body: ContainerCreateRequest): ContainerCreateRequest {
  if (client.host.kind !== 'unix') throw new Error(`flag --use-api-socket can only be used with unix sockets: docker endpoint ${client.host.url} incompatible`);
  const env = body.Env ?? [];
  return {
    ...body,
    Env: env.some((e) => e.startsWith('DOCKER_CONFIG=')) ? env : [...env, `DOCKER_CONFIG=${CONFIG_DIR_IN_CONTAINER}`],
    HostConfig: {
      ...body.HostConfig,
      Mounts: [...(body.HostConfig?.Mounts ?? []), { Type: 'bind', Source: client.host.path, Target: SOCKET_IN_CONTAINER, BindOptions: {} }],
    },
  };
}

/** Copies a config.json holding the caller's resolved credentials into the created container. */
export async function copyCredentials(client: ApiClient, id: string, configDir: string | undefined): Promise<void> {
  const { DockerCredentials } = await import('../../registry/client/docker-config.js');
  const { join } = await import('node:path');
  const creds = new DockerCredentials(configDir ? join(configDir, 'config.json') : undefined);
  const auths: Record<string, { auth?: string; identitytoken?: string }> = {};
  for (const [key, a] of Object.entries(await creds.all())) {
    auths[key] = {
      ...(a.username || a.password ? { auth: Buffer.from(`${a.username ?? ''}:${a.password ?? ''}`).toString('base64') } : {}),
      ...(a.identitytoken ? { identitytoken: a.identitytoken } : {}),
    };
  }
  const file = Buffer.from(JSON.stringify({ auths }, null, '\t') + '\n');
  await client.call('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { path: '/' }, body: await tarOf(`${CONFIG_DIR_IN_CONTAINER.slice(1)}/config.json`, file), headers: { 'Content-Type': 'application/x-tar' } });
}

async function tarOf(name: string, content: Buffer): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const dir = name.split('/').slice(0, -1);
  for (let i = 1; i <= dir.length; i++) pack.entry({ name: `${dir.slice(0, i).join('/')}/`, type: 'directory', mode: 0o755 });
  pack.entry({ name, mode: 0o600 }, content);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}
