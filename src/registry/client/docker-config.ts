// Credentials in `~/.docker/config.json`, the file the docker CLI uses: `auths` entries with a
// base64 `auth` ("user:password") and an optional `identitytoken`, or a credential helper named by
// `credHelpers[<host>]` / `credsStore`. Other keys of the file are kept as they are when writing.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isErrno, InvalidArgumentError } from '../../errors.js';
import { writeFileAtomic } from '../../fsutil/atomic-write.js';
import { type AuthConfig, convertToHostname, credentialsKey, registryDomainOf, resolveAuth } from './auth-config.js';
import { helperErase, helperGet, helperStore } from './credential-helper.js';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

export class DockerCredentials {
  /** `env` is passed to credential helpers (their PATH decides which binary runs). */
  constructor(readonly path: string = dockerConfigPath(), private readonly env?: NodeJS.ProcessEnv) {}

  private async load(): Promise<ConfigFile> {
    try {
      const text = await readFile(this.path, 'utf8');
      return text.trim() === '' ? {} : (JSON.parse(text) as ConfigFile);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return {};
      if (err instanceof SyntaxError) throw new InvalidArgumentError(`loading config file: ${this.path}: ${err.message}`);
      throw err;
    }
  }

  private helperFor(cfg: ConfigFile, key: string): string | undefined {
    const host = convertToHostname(key);
    return cfg.credHelpers?.[host] ?? cfg.credHelpers?.[key] ?? (cfg.credsStore || undefined);
  }

  /** Credentials for a registry (a domain like `localhost:5000` or any spelling docker accepts). */
  async get(serverAddress: string): Promise<AuthConfig | undefined> {
    const key = credentialsKey(registryDomainOf(serverAddress));
    const cfg = await this.load();
    const helper = this.helperFor(cfg, key);
    if (helper) return helperGet(helper, key, this.env);
    const auths = cfg.auths ?? {};
    let entry: AuthEntry | undefined = auths[key];
    if (!entry) {
      const host = convertToHostname(key);
      const k = Object.keys(auths).find((k) => convertToHostname(k) === host);
      entry = k === undefined ? undefined : auths[k];
    }
    if (!entry) return undefined;
    const out = resolveAuth({ ...entry, serveraddress: key });
    delete out.auth;
    return out;
  }

  /**
   * Every registry's resolved credentials: those named in `auths` and `credHelpers` (a `credsStore`
   * helper's own listing is not asked, so only registries the file names are included).
   */
  async all(): Promise<Record<string, AuthConfig>> {
    const cfg = await this.load();
    const out: Record<string, AuthConfig> = {};
    for (const key of new Set([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {})])) {
      const auth = await this.get(key).catch(() => undefined);
      if (auth) out[key] = auth;
    }
    return out;
  }

  /** Stores credentials as `docker login` does (password dropped when an identity token is given). */
  async store(auth: AuthConfig): Promise<void> {
    const key = credentialsKey(registryDomainOf(auth.serveraddress));
    const cfg = await this.load();
    const helper = this.helperFor(cfg, key);
    if (helper) {
      await helperStore(helper, { ...auth, serveraddress: key }, this.env);
      // docker keeps an empty entry so `docker info`-like listings know of the registry.
      cfg.auths = { ...(cfg.auths ?? {}), [key]: {} };
    } else {
      const password = auth.identitytoken ? '' : (auth.password ?? '');
      const entry: AuthEntry = { auth: Buffer.from(`${auth.username ?? ''}:${password}`).toString('base64') };
      if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
      cfg.auths = { ...(cfg.auths ?? {}), [key]: entry };
    }
    await writeFileAtomic(this.path, JSON.stringify(cfg, null, '\t') + '\n', 0o600);
  }

  /** Removes stored credentials (`docker logout`); true when there were any. */
  async erase(serverAddress: string): Promise<boolean> {
    const key = credentialsKey(registryDomainOf(serverAddress));
    const cfg = await this.load();
    const helper = this.helperFor(cfg, key);
    if (helper) await helperErase(helper, key, this.env);
    const auths = cfg.auths ?? {};
    const host = convertToHostname(key);
    const keys = Object.keys(auths).filter((k) => k === key || convertToHostname(k) === host);
    if (keys.length === 0 && !helper) return false;
    for (const k of keys) delete auths[k];
    cfg.auths = auths;
    await writeFileAtomic(this.path, JSON.stringify(cfg, null, '\t') + '\n', 0o600);
    return true;
  }
}
