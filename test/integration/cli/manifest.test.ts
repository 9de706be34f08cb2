// `berth manifest create|annotate|inspect|push|rm` against a real `berth registry serve`, side by side
// with docker 28's CLI: the same output, the same local store (either CLI reads the other's lists),
// and a pushed index (byte-identical to docker's) that docker and skopeo read back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, runProcess, type RunResult } from '../../support/test-daemon.js';
import { pushBlob, startRegistry, type RegistryProcess } from '../registry/server/harness.js';

const hasTool = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Pushes a one-layer OCI image of the given platform as `repo:latest`. */
async function pushPlatformImage(url: string, repo: string, architecture: string, variant?: string): Promise<void> {
  const configBytes = Buffer.from(JSON.stringify({ architecture, os: 'linux', ...(variant ? { variant } : {}), rootfs: { type: 'layers', diff_ids: [] } }));
  const layerBytes = Buffer.from(`layer-${repo}-${architecture}`);
  const config = await pushBlob(url, repo, configBytes);
  const layer = await pushBlob(url, repo, layerBytes);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes.length }],
  });
  const res = await fetch(`${url}/v2/${repo}/manifests/latest`, { method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(res.status, 201, await res.text());
}

/** A CLI's local store as parsed files, keyed by list and file name. */
function storeOf(configDir: string): Record<string, unknown> {
  const root = join(configDir, 'manifests');
  const out: Record<string, unknown> = {};
  for (const list of readdirSync(root)) for (const f of readdirSync(join(root, list))) out[`${list}/${f}`] = JSON.parse(readFileSync(join(root, list, f), 'utf8'));
  return out;
}

describe('manifest lists against berth registry serve', { skip: !hasTool('docker', ['--version']) && 'no docker CLI' }, () => {
  let reg: RegistryProcess;
  let host: string;
  let dir: string;
  const afters: Array<() => Promise<void> | void> = [];
  const berth = (args: string[]): Promise<RunResult> => runProcess(process.execPath, [BERTH, ...args], { env: { ...process.env, DOCKER_CONFIG: join(dir, 'berth') } });
  const docker = async (args: string[]): Promise<RunResult> => {
    const r = await runProcess('docker', args, { env: { ...process.env, DOCKER_CONFIG: join(dir, 'docker'), DOCKER_CLI_EXPERIMENTAL: 'enabled', DOCKER_CLI_HINTS: 'false' } });
    return { ...r, stdout: r.stdout.replace(/docker/g, 'berth'), stderr: r.stderr.replace(/docker/g, 'berth') };
  };
  const same = async (args: string[]): Promise<RunResult> => {
    const b = await berth(args);
    assert.deepEqual(b, await docker(args), `manifest ${args.join(' ')}`);
    return b;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-manifest-'));
    afters.push(() => rmSync(dir, { recursive: true, force: true }));
    reg = await startRegistry({ after: (fn) => void afters.push(fn) }, join(dir, 'root'));
    host = new URL(reg.url).host;
    await pushPlatformImage(reg.url, 'src-amd64', 'amd64');
    await pushPlatformImage(reg.url, 'src-arm64', 'arm64');
  });
  after(async () => {
    for (const fn of afters.reverse()) await fn();
  });

  it('create and annotate write what docker writes', async () => {
    const list = `${host}/multi:v1`;
    const created = await same(['manifest', 'create', '--insecure', list, `${host}/src-amd64`, `${host}/src-arm64`]);
    assert.equal(created.stdout, `Created manifest list ${list}\n`);
    await same(['manifest', 'create', list, `${host}/src-amd64`]);
    await same(['manifest', 'annotate', '--variant', 'v8', '--os-features', 'a,b', list, `${host}/src-arm64`]);
    await same(['manifest', 'annotate', '--arch', 'nope', list, `${host}/src-arm64`]);
    await same(['manifest', 'annotate', list, `${host}/missing`]);
    assert.deepEqual(storeOf(join(dir, 'berth')), storeOf(join(dir, 'docker')));
    await same(['manifest', 'inspect', list]);
    await same(['manifest', 'inspect', '-v', list]);
    await same(['manifest', 'inspect', list, `${host}/src-arm64`]);
    await same(['manifest', 'inspect', '--insecure', `${host}/src-amd64`]);
    await same(['manifest', 'inspect', '--insecure', '-v', `${host}/src-amd64`]);
  });

  it('push makes the index docker makes; docker and skopeo read it back', async () => {
    const list = `${host}/multi:v1`;
    const b = await berth(['manifest', 'push', '--insecure', list]);
    assert.equal(b.code, 0, b.stderr);
    const lines = b.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, new RegExp(`^Pushed ref ${host}/multi@sha256:[0-9a-f]{64} with digest: sha256:[0-9a-f]{64}$`));
    // docker pushes its own list (same contents) to the same tag: the same lines, the same digest.
    assert.deepEqual(await docker(['manifest', 'push', '--insecure', '--purge', list]), b);
    // docker purged its copy; berth's is still there until rm.
    assert.deepEqual(await berth(['manifest', 'rm', list]), { code: 0, stdout: '', stderr: '' });
    await same(['manifest', 'rm', list]);
    await same(['manifest', 'inspect', '--insecure', list]);
    await same(['manifest', 'inspect', '--insecure', '-v', list]);
    if (hasTool('skopeo', ['--version'])) {
      const raw = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${list}`], { encoding: 'utf8' })) as { mediaType: string; manifests: Array<{ platform: { architecture: string; variant?: string } }> };
      assert.equal(raw.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(raw.manifests.map((m) => [m.platform.architecture, m.platform.variant]), [['amd64', undefined], ['arm64', 'v8']]);
    }
  });

  it('rm and push of a list that is not there fail as in docker', async () => {
    await same(['manifest', 'rm', `${host}/none:v1`]);
    await same(['manifest', 'push', `${host}/none:v1`]);
    await same(['manifest', 'inspect', '--insecure', `${host}/none:v1`]);
  });
});
