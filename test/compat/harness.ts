// The compat suite's target: the daemon at DOCKER_HOST as it is (a real dockerd or any other), or,
// when DOCKER_HOST is unset, a test berthd of its own. Tests speak the Engine API over the unix
// socket at the version the daemon offers, and must not rely on berth-only behaviour.
// Everything a test makes carries the run's label (or its name prefix) so close() removes only that.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestDaemon, runProcess, type RunResult, type TestDaemon } from '../support/test-daemon.js';
import { compareVersions } from '../../src/engine-api-version.js';

const BUSYBOX_TAR = resolve(import.meta.dirname, '../../src/image/busybox-rootfs.js');
const MAX_API = '1.47';

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export class CompatTarget {
  /** Unique per test file: names and labels of everything it makes. */
  readonly run = `bc${randomBytes(4).toString('hex')}`;
  readonly label = `berth.compat=${this.run}`;

  private constructor(
    readonly host: string,
    readonly apiVersion: string,
    readonly socket: string,
    private readonly daemon?: TestDaemon,
  ) {}

  /** Connects to DOCKER_HOST, or starts a berthd when it is unset; makes busybox:latest when missing. */
  static async open(): Promise<CompatTarget> {
    const fromEnv = process.env.DOCKER_HOST;
    const daemon = fromEnv ? undefined : await startTestDaemon({ busybox: false });
    const host = fromEnv ?? daemon!.host;
    if (!host.startsWith('unix://')) throw new Error(`compat suite: only unix:// hosts are supported, got ${host}`);
    const socket = host.slice('unix://'.length);
    try {
      const version = await rawRequest(socket, 'GET', '/version');
      const offered = String((version.body as { ApiVersion?: string }).ApiVersion ?? MAX_API);
      const t = new CompatTarget(host, compareVersions(offered, MAX_API) < 0 ? offered : MAX_API, socket, daemon);
      await t.ensureBusybox();
      return t;
    } catch (err) {
      await daemon?.stop();
      throw err;
    }
  }

  /** True when the negotiated API is at least `v` (for behaviour docker changed between versions). */
  apiAtLeast(v: string): boolean {
    return compareVersions(this.apiVersion, v) >= 0;
  }

  api(method: string, path: string, o: { body?: unknown; query?: Record<string, string | undefined>; filters?: Record<string, string[]>; input?: Buffer } = {}): Promise<ApiResponse> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) q.set(k, v);
    if (o.filters) q.set('filters', JSON.stringify(o.filters));
    const qs = q.toString();
    const body = o.input ?? (o.body !== undefined ? Buffer.from(JSON.stringify(o.body)) : undefined);
    const type = o.input ? 'application/x-tar' : 'application/json';
    return rawRequest(this.socket, method, `/v${this.apiVersion}${path}${qs ? `?${qs}` : ''}`, body, type);
  }

  /** Like api(), but fails the test on a status of 400 or more. */
  async ok(method: string, path: string, o: Parameters<CompatTarget['api']>[2] = {}): Promise<ApiResponse> {
    const r = await this.api(method, path, o);
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r;
  }

  /** The real docker CLI against the target. */
  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
    return runProcess('docker', args, { ...opts, env: { ...process.env, DOCKER_HOST: this.host, DOCKER_CLI_HINTS: 'false' } });
  }

  /** A container from busybox with the run's label (and `labels`), created and left stopped. */
  async createContainer(name: string, labels: Record<string, string> = {}): Promise<string> {
    const r = await this.ok('POST', '/containers/create', {
      query: { name: `${this.run}-${name}` },
      body: { Image: 'busybox:latest', Cmd: ['true'], Labels: { 'berth.compat': this.run, ...labels } },
    });
    return (r.body as { Id: string }).Id;
  }

  /** An image imported from the busybox rootfs with LABEL changes, tagged `<run>/<name>:latest`. */
  async importImage(name: string, labels: Record<string, string> = {}): Promise<string> {
    const changes = Object.entries({ 'berth.compat': this.run, ...labels }).map(([k, v]) => `LABEL ${k}=${v}`).join('\n');
    const r = await this.ok('POST', '/images/create', { query: { fromSrc: '-', repo: `${this.run}/${name}`, tag: 'latest', changes }, input: await busyboxTar() });
    if (/"error"/.test(r.text)) throw new Error(`import ${name}: ${r.text}`);
    const inspect = await this.ok('GET', `/images/${this.run}/${name}:latest/json`);
    return (inspect.body as { Id: string }).Id;
  }

  /** Removes what this run made, then the daemon if the harness started it. */
  async close(): Promise<void> {
    try {
      const only = { label: [this.label] };
      const containers = await this.api('GET', '/containers/json', { query: { all: '1' }, filters: only });
      for (const c of (containers.body as Array<{ Id: string }>) ?? []) await this.api('DELETE', `/containers/${c.Id}`, { query: { force: '1', v: '1' } });
      const images = await this.api('GET', '/images/json', { filters: only });
      for (const i of (images.body as Array<{ Id: string; RepoTags?: string[] }>) ?? []) {
        for (const tag of (i.RepoTags ?? []).filter((t) => t.startsWith(`${this.run}/`))) await this.api('DELETE', `/images/${tag}`);
      }
      const tagged = await this.api('GET', '/images/json', { filters: { reference: [`${this.run}/*`] } });
      for (const i of (tagged.body as Array<{ RepoTags?: string[] }>) ?? []) for (const tag of i.RepoTags ?? []) await this.api('DELETE', `/images/${tag}`);
      const volumes = await this.api('GET', '/volumes', { filters: only });
      for (const v of (volumes.body as { Volumes?: Array<{ Name: string }> }).Volumes ?? []) await this.api('DELETE', `/volumes/${v.Name}`, { query: { force: '1' } });
      const networks = await this.api('GET', '/networks', { filters: only });
      for (const n of (networks.body as Array<{ Id: string }>) ?? []) await this.api('DELETE', `/networks/${n.Id}`);
    } finally {
      await this.daemon?.stop();
    }
  }

  private async ensureBusybox(): Promise<void> {
    if ((await this.api('GET', '/images/busybox:latest/json')).status === 200) return;
    const r = await this.ok('POST', '/images/create', { query: { fromSrc: '-', repo: 'busybox', tag: 'latest', changes: 'CMD ["sh"]' }, input: await busyboxTar() });
    if (/"error"/.test(r.text)) throw new Error(`importing busybox: ${r.text}`);
  }
}

let tarCache: Promise<Buffer> | undefined;
/** The busybox rootfs tar set-up imports (made once per process). */
function busyboxTar(): Promise<Buffer> {
  tarCache ??= new Promise((res, rej) => {
    execFile(process.execPath, [BUSYBOX_TAR], { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, out) => (err ? rej(err) : res(out)));
  });
  return tarCache;
}

function rawRequest(socket: string, method: string, path: string, body?: Buffer, type = 'application/json'): Promise<ApiResponse> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers: body ? { 'Content-Type': type, 'Content-Length': body.length } : {} }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // streams and plain text stay text
        }
        res({ status: r.statusCode ?? 0, body: parsed, text });
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** docker's message of an error response. */
export function messageOf(r: ApiResponse): string {
  return (r.body as { message?: string } | undefined)?.message ?? r.text;
}

