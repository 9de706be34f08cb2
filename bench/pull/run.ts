// Pull throughput: a ~200 MB image in 5 incompressible gzip layers, pushed to a loopback
// docker-registry, pulled by berth's client into a fresh content store with layers really extracted
// (the snapshot helper's applyLayer, or tar-stream with `--sink tar-stream`), against the raw limit:
// reading + decompressing the same blobs with no engine (one after another, and 3 at once as the
// pull runs them). Where a docker daemon answers, `docker pull` of the same image too.
//   node dist/bench/pull/run.js [--layers 5] [--layer-mb 40] [--sink apply-layer|tar-stream] [--dir /dev/shm]
import { startTestDaemon } from '../../test/support/test-daemon.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gzip } from 'node:zlib';
import { LocalContentStore } from '../../src/content/local-store.js';
import { type Digest, digestOf } from '../../src/oci/digest.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../../src/oci/image-spec.js';
import { MediaType } from '../../src/oci/media-types.js';
import { pullImage, pushImage, RegistryHosts } from '../../src/registry/client/index.js';
import type { LayerSink } from '../../src/registry/client/layer-sink.js';
import { applyLayer } from '../../src/snapshot/apply-layer.js';
import { RegistryProcess } from '../../test/support/registry-process.js';
import { DirLayerSink } from '../../test/support/dir-layer-sink.js';
import { tarOf } from '../../test/support/test-image.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const LAYERS = Number(arg('layers', '5'));
const LAYER_MB = Number(arg('layer-mb', '40'));
const SINK = arg('sink', 'apply-layer');
const work = mkdtempSync(join(arg('dir', tmpdir()), 'berth-bench-pull-'));

/** The image store's way: applyLayer into a temp dir, renamed into place after the stream ends. */
class ApplyLayerSink implements LayerSink {
  /** applyLayer hashes the tar anyway: check its diffID here and spare the puller a pass. */
  readonly verifiesDiffId = true;
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }
  async has(): Promise<boolean> {
    return false;
  }
  async unpack(_d: Descriptor, diffId: Digest, s: Readable): Promise<void> {
    const tmp = join(this.root, `.tmp-${diffId.slice(7, 19)}`);
    mkdirSync(tmp);
    try {
      const r = await applyLayer(s, tmp);
      if (r.diffId !== diffId) throw new Error(`layer diffID mismatch: got ${r.diffId}, want ${diffId}`);
      await rename(tmp, join(this.root, diffId.slice(7)));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
}

const drain = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

/** CPU profile of the pulls only, written to the current directory (`--profile`). */
async function startProfile(): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`pull-${Date.now()}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  };
}

const DOCKERD = 'unix:///var/run/docker.sock';

async function main(): Promise<void> {
  const registry = await new RegistryProcess().start();
  const hosts = new RegistryHosts();
  try {
    const src = await new LocalContentStore(join(work, 'src')).init();
    console.log(`building ${LAYERS} layers of ${LAYER_MB} MB incompressible data (gzip -1)…`);
    const layers: Descriptor[] = [];
    const diffIds: Digest[] = [];
    await Promise.all(
      Array.from({ length: LAYERS }, async (_, i) => {
        // Several files per layer: 8 MB chunks of random bytes.
        const files: Record<string, Buffer> = {};
        for (let f = 0; f * 8 < LAYER_MB; f++) files[`data/layer${i}/file${f}.bin`] = randomBytes(Math.min(8, LAYER_MB - f * 8) << 20);
        const t = await tarOf(files);
        const gz = await promisify(gzip)(t, { level: 1 });
        const info = await src.put(gz);
        layers[i] = { mediaType: MediaType.dockerLayerGzip, digest: info.digest, size: info.size };
        diffIds[i] = digestOf(t);
      }),
    );
    const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } };
    const cfg = await src.put(JSON.stringify(config));
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: cfg.digest, size: cfg.size },
      layers,
    };
    const m = await src.put(JSON.stringify(manifest));
    const total = layers.reduce((a, l) => a + l.size, 0);
    const mb = total / 1e6;
    const ref = `${registry.host}/bench/pull:latest`;
    const [, pushS] = await timed(() => pushImage({ ref, manifestDigest: m.digest, store: src, hosts }));
    console.log(`image: ${mb.toFixed(1)} MB compressed in ${LAYERS} layers; push ${pushS.toFixed(2)} s (${(mb / pushS).toFixed(0)} MB/s)`);

    const blobFile = (d: Digest): string => registry.blobDataPath(d);
    const readGunzip = (d: Digest): Promise<void> => pipeline(createReadStream(blobFile(d), { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 256 * 1024 }), drain());
    const rawCpu0 = process.cpuUsage();
    const [, rawSeq] = await timed(async () => {
      for (const l of layers) await readGunzip(l.digest);
    });
    const rawCpu = process.cpuUsage(rawCpu0);
    const [, rawPar] = await timed(async () => {
      const q = [...layers];
      await Promise.all([0, 1, 2].map(async () => {
        for (let l = q.shift(); l; l = q.shift()) await readGunzip(l.digest);
      }));
    });
    console.log(`raw limit (read + gunzip, no engine): sequential ${rawSeq.toFixed(2)} s = ${(mb / rawSeq).toFixed(0)} MB/s; 3 at once ${rawPar.toFixed(2)} s = ${(mb / rawPar).toFixed(0)} MB/s; sequential CPU ${((rawCpu.user + rawCpu.system) / 1e6).toFixed(2)} s`);

    const runs: number[] = [];
    const profile = process.argv.includes('--profile') ? await startProfile() : undefined;
    for (let run = 0; run < 3; run++) {
      const dir = join(work, `pull${run}`);
      const store = await new LocalContentStore(join(dir, 'content')).init();
      const sink = SINK === 'tar-stream' ? new DirLayerSink(join(dir, 'layers')) : new ApplyLayerSink(join(dir, 'layers'));
      const pullHosts = new RegistryHosts();
      const cpu0 = process.cpuUsage();
      const [, s] = await timed(() => pullImage({ ref, store, hosts: pullHosts, layers: sink }));
      const cpu = process.cpuUsage(cpu0);
      await pullHosts.close();
      runs.push(s);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      console.log(`berth pull (${SINK} sink) run ${run + 1}: ${s.toFixed(2)} s = ${(mb / s).toFixed(0)} MB/s (berth CPU ${cpuS.toFixed(2)} s: ${(mb / cpuS).toFixed(0)} MB per CPU-second)`);
      rmSync(dir, { recursive: true, force: true });
    }
    if (profile) await profile();
    const best = Math.min(...runs);
    console.log(`berth pull best: ${(mb / best).toFixed(0)} MB/s; ${(best / rawSeq).toFixed(2)}x the sequential raw limit, ${(best / rawPar).toFixed(2)}x the 3-at-once raw limit`);

    // The engines, interleaved: berthd (through the docker CLI, the whole daemon path: API, content
    // store, snapshots) and, where one answers, dockerd.
    const berthd = await startTestDaemon({ busybox: false });
    try {
      const docker = spawnSync('docker', ['-H', DOCKERD, 'info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5000 });
      const engineRuns: Record<string, number[]> = { berthd: [] };
      if (docker.status === 0) engineRuns[`dockerd ${docker.stdout.trim()}`] = [];
      for (let run = 0; run < 3; run++) {
        for (const name of Object.keys(engineRuns)) {
          const host = name === 'berthd' ? berthd.host : DOCKERD;
          const [, s] = await timed(async () => void execFileSync('docker', ['-H', host, 'pull', '-q', ref], { stdio: 'ignore' }));
          engineRuns[name]!.push(s);
          spawnSync('docker', ['-H', host, 'rmi', ref], { stdio: 'ignore' });
          if (name !== 'berthd') spawnSync('docker', ['-H', host, 'image', 'prune', '-f'], { stdio: 'ignore' });
        }
      }
      for (const [name, xs] of Object.entries(engineRuns)) {
        const b = Math.min(...xs);
        console.log(`${name} pull (docker CLI), best of 3: ${b.toFixed(2)} s = ${(mb / b).toFixed(0)} MB/s (${(b / rawSeq).toFixed(2)}x the sequential raw limit)`);
      }
      if (docker.status === 0) {
        const bb = Math.min(...engineRuns.berthd!);
        const dd = Math.min(...Object.entries(engineRuns).find(([n]) => n !== 'berthd')![1]);
        console.log(`berthd / dockerd throughput: ${(dd / bb).toFixed(2)}x (target >= 1.5x)`);
      } else console.log('docker: no daemon answering on /var/run/docker.sock; skipped');
    } finally {
      await berthd.stop();
    }
  } finally {
    await hosts.close();
    await registry.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

