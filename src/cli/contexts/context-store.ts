// Contexts in docker's own on-disk format, so docker and berth share them:
// `<config dir>/contexts/meta/<sha256 of name>/meta.json` holds {Name, Metadata, Endpoints}, and
// `<config dir>/contexts/tls/<sha256 of name>/docker/{ca,cert,key}.pem` the endpoint's TLS files.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isErrno } from '../../errors.js';
import { writeFileAtomicSync } from '../../fsutil/atomic-write.js';

export const DEFAULT_CONTEXT = 'default';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export interface DockerEndpoint {
  Host?: string;
  SkipTLSVerify?: boolean;
}

export interface ContextMeta {
  Name: string;
  Metadata: { Description?: string; [key: string]: unknown };
  Endpoints: { docker?: DockerEndpoint; [key: string]: unknown };
}

/** TLS files of the docker endpoint, by file name (ca.pem, cert.pem, key.pem). */
export type TlsFiles = Record<string, Buffer>;

/** The directory docker keeps its config in: --config, DOCKER_CONFIG, else ~/.docker. */
export function configDirOf(configDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return configDir || env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

export function validateContextName(name: string): void {
  if (name === '') throw new Error('context name cannot be empty');
  if (name === DEFAULT_CONTEXT) throw new Error(`"${DEFAULT_CONTEXT}" is a reserved context name`);
  if (!NAME_RE.test(name)) throw new Error(`context name "${name}" is invalid, names are validated against regexp "${NAME_RE.source}"`);
}

export class ContextStore {
  constructor(readonly root: string) {}

  static of(configDir: string | undefined): ContextStore {
    return new ContextStore(join(configDirOf(configDir), 'contexts'));
  }

  metaDir(name: string): string {
    return join(this.root, 'meta', createHash('sha256').update(name).digest('hex'));
  }

  tlsDir(name: string): string {
    return join(this.root, 'tls', createHash('sha256').update(name).digest('hex'));
  }

  /** The stored context, or a typed not-found error with docker's text. */
  get(name: string): ContextMeta {
    const file = join(this.metaDir(name), 'meta.json');
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ContextMeta;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new ContextNotFoundError(name, `context "${name}": context not found: open ${file}: no such file or directory`);
      throw err;
    }
  }

  exists(name: string): boolean {
    try {
      this.get(name);
      return true;
    } catch (err) {
      if (err instanceof ContextNotFoundError) return false;
      throw err;
    }
  }

  list(): ContextMeta[] {
    let dirs: string[];
    try {
      dirs = readdirSync(join(this.root, 'meta'));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: ContextMeta[] = [];
    for (const d of dirs) {
      try {
        out.push(JSON.parse(readFileSync(join(this.root, 'meta', d, 'meta.json'), 'utf8')) as ContextMeta);
      } catch {
        // a directory without a readable meta.json is not a context
      }
    }
    return out.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  }

  tls(name: string): TlsFiles {
    const dir = join(this.tlsDir(name), 'docker');
    const files: TlsFiles = {};
    try {
      for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    return files;
  }

  /** Writes meta.json (and replaces the TLS files when given), as docker writes them. */
  save(meta: ContextMeta, tls?: TlsFiles): void {
    const dir = this.metaDir(meta.Name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileAtomicSync(join(dir, 'meta.json'), JSON.stringify(meta));
    if (tls === undefined) return;
    const tlsDir = join(this.tlsDir(meta.Name), 'docker');
    rmSync(tlsDir, { recursive: true, force: true });
    if (Object.keys(tls).length === 0) return;
    mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
    for (const [f, data] of Object.entries(tls)) writeFileSync(join(tlsDir, f), data, { mode: 0o600 });
  }

  remove(name: string): void {
    rmSync(this.metaDir(name), { recursive: true, force: true });
    rmSync(this.tlsDir(name), { recursive: true, force: true });
  }
}

export class ContextNotFoundError extends Error {
  constructor(
    readonly contextName: string,
    message: string,
  ) {
    super(message);
  }
}
