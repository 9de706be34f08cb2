// Real client: Debian's skopeo copies images in and out, lists tags, inspects and deletes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, tempDir } from './harness.js';
import { writeOciLayout } from './oci-layout.js';

const run = promisify(execFile);

function skopeo(policy: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('skopeo', ['--policy', policy, ...args], { timeout: 60_000 });
}

function policyFile(dir: string): string {
  const p = join(dir, 'policy.json');
  writeFileSync(p, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  return p;
}

test('skopeo: copy in and out (OCI and Docker formats), list-tags, inspect, delete', async (t) => {
  const work = tempDir(t);
  const reg = await startRegistry(t, tempDir(t), ['--delete']);
  const host = reg.url.replace('http://', '');
  const policy = policyFile(work);
  const src = await writeOciLayout(join(work, 'src'), 'v1', { 'hello.txt': 'hello from berth\n', 'big.bin': randomBytes(2 << 20) });

  await skopeo(policy, 'copy', '--dest-tls-verify=false', `oci:${src.dir}:v1`, `docker://${host}/test/app:v1`);
  await skopeo(policy, 'copy', '--dest-tls-verify=false', '--format', 'v2s2', `oci:${src.dir}:v1`, `docker://${host}/test/app:v1-docker`);
  // Registry to registry: skopeo mounts the layers across repositories.
  await skopeo(policy, 'copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${host}/test/app:v1`, `docker://${host}/other/app:copy`);

  const tags = JSON.parse((await skopeo(policy, 'list-tags', '--tls-verify=false', `docker://${host}/test/app`)).stdout) as { Tags: string[] };
  assert.deepEqual(tags.Tags.sort(), ['v1', 'v1-docker']);

  const info = JSON.parse((await skopeo(policy, 'inspect', '--tls-verify=false', `docker://${host}/test/app:v1`)).stdout) as { Digest: string; Layers: string[]; Os: string };
  assert.equal(info.Digest, src.manifestDigest);
  assert.deepEqual(info.Layers, [src.layerDigest]);
  assert.equal(info.Os, 'linux');
  const raw = JSON.parse((await skopeo(policy, 'inspect', '--raw', '--tls-verify=false', `docker://${host}/test/app:v1-docker`)).stdout) as { mediaType: string };
  assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');

  const out = join(work, 'out');
  await skopeo(policy, 'copy', '--src-tls-verify=false', `docker://${host}/other/app:copy`, `oci:${out}:v1`);
  const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  assert.equal(index.manifests[0]!.digest, src.manifestDigest);
  assert.deepEqual(readFileSync(join(out, 'blobs', 'sha256', src.layerDigest.slice(7))), readFileSync(join(src.dir, 'blobs', 'sha256', src.layerDigest.slice(7))));

  await skopeo(policy, 'delete', '--tls-verify=false', `docker://${host}/test/app:v1`);
  await assert.rejects(skopeo(policy, 'inspect', '--tls-verify=false', `docker://${host}/test/app:v1`));
  // Deleting by digest removed the manifest; the Docker-format copy is a different manifest and stays.
  await skopeo(policy, 'inspect', '--tls-verify=false', `docker://${host}/test/app:v1-docker`);
});

test('skopeo: push and pull with htpasswd credentials; refused without them', async (t) => {
  const work = tempDir(t);
  const htpasswd = join(work, 'htpasswd');
  await run('htpasswd', ['-Bbc', htpasswd, 'alice', 's3cret']);
  const reg = await startRegistry(t, tempDir(t), ['--htpasswd', htpasswd]);
  const host = reg.url.replace('http://', '');
  const policy = policyFile(work);
  const src = await writeOciLayout(join(work, 'src'), 'v1', { 'a.txt': 'a\n' });
  await assert.rejects(skopeo(policy, 'copy', '--dest-tls-verify=false', `oci:${src.dir}:v1`, `docker://${host}/private/app:v1`));
  await skopeo(policy, 'copy', '--dest-tls-verify=false', '--dest-creds', 'alice:s3cret', `oci:${src.dir}:v1`, `docker://${host}/private/app:v1`);
  const info = JSON.parse((await skopeo(policy, 'inspect', '--tls-verify=false', '--creds', 'alice:s3cret', `docker://${host}/private/app:v1`)).stdout) as { Digest: string };
  assert.equal(info.Digest, src.manifestDigest);
  await assert.rejects(skopeo(policy, 'inspect', '--tls-verify=false', '--creds', 'alice:wrong', `docker://${host}/private/app:v1`));
});
