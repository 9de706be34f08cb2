// The connection a command uses, chosen as docker chooses: --context, else -H / BERTH_HOST /
// DOCKER_HOST, else DOCKER_CONTEXT or config.json's currentContext; TLS from flags or
// DOCKER_TLS_VERIFY + DOCKER_CERT_PATH (or the context's TLS files); berthd started on demand when
// nothing names a host.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, type TlsOptions } from '../client/api-client.js';
import { defaultHost, parseHost } from '../client/host.js';
import type { CliIO } from './cli-io.js';
import type { CommandContext } from './command.js';
import { ContextStore, DEFAULT_CONTEXT } from './contexts/context-store.js';
import { readCurrentContext } from './contexts/current-context.js';
import type { FlagValues } from './flags/flag-spec.js';

export interface ConnectionSettings {
  hostSpec: string;
  explicit: boolean;
  tls?: TlsOptions;
  apiVersion?: string;
}

/** Works out where to connect from global flags and the environment (pure but for reading certs). */
export function connectionSettings(global: FlagValues, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const hosts = (global.host as string[] | undefined) ?? [];
  if (hosts.length > 1) throw new Error('Specify only one -H');
  const fromContext = contextSettings(global, env);
  if (fromContext) return fromContext;
  const given = hosts[0] ?? (env.BERTH_HOST || undefined) ?? (env.DOCKER_HOST || undefined);
  const verify = Boolean(global.tlsverify) || (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const useTls = verify || Boolean(global.tls);
  const settings: ConnectionSettings = { hostSpec: given ?? defaultHost(), explicit: given !== undefined };
  if (useTls) {
    const certDir = env.DOCKER_CERT_PATH || join(env.DOCKER_CONFIG || join(homedir(), '.docker'));
    const read = (flag: unknown, file: string): Buffer | undefined => {
      const p = typeof flag === 'string' && flag !== '' ? flag : join(certDir, file);
      try {
        return readFileSync(p);
      } catch (err) {
        if (typeof flag === 'string' && flag !== '') throw new Error(`could not read ${p}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const ca = read(global.tlscacert, 'ca.pem');
    const cert = read(global.tlscert, 'cert.pem');
    const key = read(global.tlskey, 'key.pem');
    settings.tls = { verify, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  if (env.DOCKER_API_VERSION) settings.apiVersion = env.DOCKER_API_VERSION;
  return settings;
}

/** The context a command talks to, by docker's precedence; `default` means "no context". */
export function contextName(global: FlagValues, env: NodeJS.ProcessEnv = process.env): string {
  const flag = (global.context as string | undefined) ?? '';
  const hosts = (global.host as string[] | undefined) ?? [];
  if (flag !== '' && hosts.length > 0) throw new Error('conflicting options: cannot specify both --host and --context');
  if (flag !== '') return flag;
  if (hosts.length > 0 || env.BERTH_HOST || env.DOCKER_HOST) return DEFAULT_CONTEXT;
  return env.DOCKER_CONTEXT || readCurrentContext(configDirFlag(global, env)) || DEFAULT_CONTEXT;
}

function configDirFlag(global: FlagValues, env: NodeJS.ProcessEnv): string | undefined {
  // BERTH_CONFIG is berthd's daemon.json (README), not a client config dir.
  return (global.config as string | undefined) || env.DOCKER_CONFIG || undefined;
}

/** The endpoint of a stored context, or undefined for the default one. */
function contextSettings(global: FlagValues, env: NodeJS.ProcessEnv): ConnectionSettings | undefined {
  const name = contextName(global, env);
  if (name === DEFAULT_CONTEXT) return undefined;
  const store = ContextStore.of(configDirFlag(global, env));
  let meta;
  try {
    meta = store.get(name);
  } catch (err) {
    throw new Error(`Failed to initialize: unable to resolve docker endpoint: ${(err as Error).message}`);
  }
  const ep = meta.Endpoints.docker ?? {};
  const files = store.tls(name);
  const settings: ConnectionSettings = { hostSpec: ep.Host || defaultHost(), explicit: true };
  if (Object.keys(files).length > 0) {
    settings.tls = {
      verify: !ep.SkipTLSVerify,
      ...(files['ca.pem'] ? { ca: files['ca.pem'] } : {}), ...(files['cert.pem'] ? { cert: files['cert.pem'] } : {}), ...(files['key.pem'] ? { key: files['key.pem'] } : {}),
    };
  }
  if (env.DOCKER_API_VERSION) settings.apiVersion = env.DOCKER_API_VERSION;
  return settings;
}

export function createContext(global: FlagValues, io: CliIO): CommandContext & { dispose(): void } {
  let client: ApiClient | undefined;
  let connecting: Promise<ApiClient> | undefined;
  const configDir = configDirFlag(global, process.env);
  return {
    get stdin() {
      return io.stdin;
    },
    stdout: io.stdout,
    stderr: io.stderr,
    configDir,
    currentContext: () => contextName(global),
    client(): Promise<ApiClient> {
      connecting ??= (async () => {
        const s = connectionSettings(global);
        client = new ApiClient(parseHost(s.hostSpec, s.tls !== undefined), s.tls, s.apiVersion);
        if (!s.explicit && !s.apiVersion) {
          const { ensureDaemon } = await import('./daemon-autostart.js');
          await ensureDaemon(client);
        }
        return client;
      })();
      return connecting;
    },
    dispose(): void {
      client?.close();
    },
  };
}
