// What every hostile-archive test shares: a daemon with busybox, a canary directory (the host
// place the corpus aims its escapes at), raw API calls with streamed bodies, and the checks after
// each case: nothing written outside, disk use bounded, the daemon still serving.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type TestDaemon, startTestDaemon } from '../../support/test-daemon.js';

export interface HostileEnv {
  daemon: TestDaemon;
  canary: string;
}

export async function startHostileEnv(t: { after: (fn: () => Promise<void> | void) => void }): Promise<HostileEnv> {
  const daemon = await startTestDaemon();
  t.after(() => daemon.stop());
  const canary = join(daemon.dir, 'canary');
  mkdirSync(canary);
  writeFileSync(join(canary, 'secret'), 'secret\n');
  return { daemon, canary };
}

export interface ApiReply {
  status: number;
  text: string;
}

/** A request to the daemon's socket with a streamed body (the CLI would buffer or reshape it). */
export function api(d: TestDaemon, method: string, path: string, body?: Readable | Buffer, headers: Record<string, string> = {}): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path, method, headers: { 'Content-Type': 'application/x-tar', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    // The daemon may answer and close before it has read all of a refused body.
    req.on('error', (err) => resolve({ status: 0, text: String(err) }));
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
      req.on('close', () => body.destroy());
    }
  });
}

/** The error a docker client would print: the `message` of an error reply, or a JSON stream's `error`. */
export function errorOf(r: ApiReply): string | undefined {
  if (r.status >= 400) {
    try {
      return (JSON.parse(r.text) as { message?: string }).message ?? r.text;
    } catch {
      return r.text;
    }
  }
  for (const line of r.text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
      if (m.error) return m.error;
      if (m.errorDetail?.message) return m.errorDetail.message;
    } catch {
      // not a JSON stream
    }
  }
  return r.status === 0 ? r.text : undefined;
}

/** Disk use of the daemon's directory in KiB (`du`; its own mounts not crossed). */
export function diskUse(d: TestDaemon): number {
  return Number(execFileSync('du', ['-sxk', d.dir], { encoding: 'utf8' }).split('\t')[0]);
}

/** Files named `escape-*` outside every snapshot: under the daemon dir or host places a climbing name reaches. */
export function escapes(env: HostileEnv): string[] {
  // Other processes' files come and go under /tmp: find's complaints about them are not ours.
  const found = spawnSync('find', [env.daemon.dir, '/tmp', '-xdev', '-maxdepth', '12', '-name', 'escape-*'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const top of ['/', '/etc']) for (const n of readdirSync(top)) if (n.startsWith('escape-')) found.push(join(top, n));
  // Inside a snapshot's own tree is inside a target (cp makes absolute names relative, as docker does).
  return [...new Set(found)].filter((p) => !/\/snapshots\/\d+\/fs\//.test(p));
}

/** After a case: the canary untouched, no escape anywhere, disk bounded, `_ping` and a `run` answer. */
export async function checkAfter(env: HostileEnv, what: string, opts: { duBefore?: number; maxGrowthKiB?: number; run?: boolean } = {}): Promise<void> {
  assert.deepEqual(readdirSync(env.canary), ['secret'], `${what}: canary directory changed`);
  assert.deepEqual(escapes(env), [], `${what}: a file escaped its target`);
  if (opts.duBefore !== undefined) {
    const grown = diskUse(env.daemon) - opts.duBefore;
    assert.ok(grown <= (opts.maxGrowthKiB ?? 64 * 1024), `${what}: disk use grew by ${grown} KiB`);
  }
  assert.ok(await env.daemon.ping(), `${what}: daemon stopped answering _ping`);
  if (opts.run !== false) {
    const r = await env.daemon.docker(['run', '--rm', '--network', 'none', 'busybox', 'true']);
    assert.equal(r.code, 0, `${what}: run after the case failed: ${r.stderr}`);
  }
}

/** A docker-style message: one line, no stack trace, no internal exception names. */
export function assertClearError(what: string, msg: string | undefined): void {
  assert.ok(msg, `${what}: expected an error, got success`);
  assert.ok(!/\n\s+at |TypeError|RangeError|ERR_|Cannot read prop|undefined/.test(msg), `${what}: unclear error: ${msg}`);
}

/** A message cut for a log line (a 64 KiB name would fill the screen). */
export function brief(msg: string | undefined): string {
  if (msg === undefined) return 'accepted';
  return msg.length > 160 ? `${msg.slice(0, 80)}…${msg.slice(-60)}` : msg;
}

/** Collects a stream into one Buffer (small cases only). */
export async function collect(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
