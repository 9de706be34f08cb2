// A real CNCF registry (Debian's docker-registry) on loopback for the tests: filesystem storage in
// a temp dir, deletes enabled, optionally htpasswd or token auth and TLS. Killable and restartable
// on the same port and storage.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { mkdtempSync, openSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface RegistryProcessOptions {
  htpasswd?: { username: string; password: string };
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** `clientCa`: require client certificates signed by it. */
  tls?: { cert: string; key: string; clientCa?: string };
}

export class RegistryProcess {
  readonly dir: string;
  readonly storage: string;
  port = 0;
  private child?: ChildProcess;
  private logFd = -1;

  constructor(private readonly opts: RegistryProcessOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
    this.storage = join(this.dir, 'storage');
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get logPath(): string {
    return join(this.dir, 'registry.log');
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    const lines = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${this.storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${this.port}`,
    ];
    if (this.opts.tls) {
      lines.push('  tls:', `    certificate: ${this.opts.tls.cert}`, `    key: ${this.opts.tls.key}`);
      if (this.opts.tls.clientCa) lines.push('    clientcas:', `      - ${this.opts.tls.clientCa}`);
    }
    if (this.opts.htpasswd) {
      const entry = execFileSync('htpasswd', ['-Bbn', this.opts.htpasswd.username, this.opts.htpasswd.password], { encoding: 'utf8' });
      writeFileSync(join(this.dir, 'htpasswd'), entry.trim() + '\n');
      lines.push('auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${join(this.dir, 'htpasswd')}`);
    } else if (this.opts.token) {
      const t = this.opts.token;
      lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.rootCertBundle}`);
    }
    writeFileSync(join(this.dir, 'config.yml'), lines.join('\n') + '\n');
    this.logFd = openSync(this.logPath, 'a');
    this.child = spawn(REGISTRY_BIN, ['serve', join(this.dir, 'config.yml')], { stdio: ['ignore', this.logFd, this.logFd] });
    // Up when the port accepts connections (a TLS registry may demand client certificates).
    for (let i = 0; i < 400; i++) {
      if (this.child.exitCode !== null) throw new Error(`registry exited with ${this.child.exitCode}`);
      if (await canConnect(this.port)) return this;
      await delay(25);
    }
    throw new Error('registry did not start');
  }

  /** SIGKILL, like a crash. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = -1;
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  async cleanup(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Path of a blob's data file in the registry's storage. */
  blobDataPath(digest: string): string {
    const hex = digest.slice(digest.indexOf(':') + 1);
    return join(this.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  }
}
