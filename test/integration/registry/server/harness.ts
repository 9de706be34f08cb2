// Test harness: runs the registry as a real process on a loopback port with a temp root.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { DIST_SRC } from '../../../support/repo-paths.js';

export const MAIN = join(DIST_SRC, 'registry/server/main.js');

export interface RegistryProcess {
  url: string;
  root: string;
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'berth-reg-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Starts `main.js serve --addr 127.0.0.1:0 --root <root> ...args`; stopped by t.after. */
export async function startRegistry(
  t: { after: (fn: () => Promise<void> | void) => void },
  root: string,
  args: string[] = [],
): Promise<RegistryProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--addr', '127.0.0.1:0', '--root', root, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    child.once('exit', (code) => rej(new Error(`registry exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  t.after(stop);
  return {
    url, root, child, log: () => out, stop,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** Pushes a blob monolithically (POST ?digest=); returns its digest. */
export async function pushBlob(url: string, repo: string, data: Buffer | string, headers: Record<string, string> = {}): Promise<string> {
  const digest = sha256(data);
  const res = await fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: data, headers });
  if (res.status !== 201) throw new Error(`push blob: ${res.status} ${await res.text()}`);
  return digest;
}

export interface PushedImage {
  config: string;
  layer: string;
  manifest: Buffer;
  digest: string;
}

/** Pushes a tiny OCI image (config + one layer + manifest) under `tag`. */
export async function pushImage(url: string, repo: string, tag: string, seed = 'x', headers: Record<string, string> = {}): Promise<PushedImage> {
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, seed }));
  const layerBytes = Buffer.from(`layer-${seed}`);
  const config = await pushBlob(url, repo, configBytes, headers);
  const layer = await pushBlob(url, repo, layerBytes, headers);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes.length }],
  }));
  const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', ...headers },
  });
  if (res.status !== 201) throw new Error(`push manifest: ${res.status} ${await res.text()}`);
  return { config, layer, manifest, digest: sha256(manifest) };
}

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: Array<{ code: string }> };
  return body.errors?.[0]?.code;
}

/** A GET with the path sent exactly as given (fetch would normalise `..`). */
export function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
