// The connection a command uses: -H / BERTH_HOST / DOCKER_HOST (in that order), TLS from flags or
// DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, and berthd started on demand when no host was named.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, type TlsOptions } from '../client/api-client.js';
import { DEFAULT_HOST, parseHost } from '../client/host.js';
import type { CommandContext } from './command.js';
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
  const given = hosts[0] ?? (env.BERTH_HOST || undefined) ?? (env.DOCKER_HOST || undefined);
  const verify = Boolean(global.tlsverify) || (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const useTls = verify || Boolean(global.tls);
  const settings: ConnectionSettings = { hostSpec: given ?? DEFAULT_HOST, explicit: given !== undefined };
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

export function createContext(global: FlagValues): CommandContext & { dispose(): void } {
  let client: ApiClient | undefined;
  let connecting: Promise<ApiClient> | undefined;
  const configDir = (global.config as string | undefined) || process.env.BERTH_CONFIG || process.env.DOCKER_CONFIG || undefined;
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    configDir,
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
