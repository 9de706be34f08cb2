// The dockerd the benches compare with: `--docker-host` (or BENCH_DOCKER_HOST) when given, else the
// compat dockerd every engineer shares (scripts/compat-dockerd.sh). Only when nothing answers there
// does a bench start one with the script, and then it stops it again; a dockerd it found running
// it never stops. The dockerd gets busybox:latest made as berth's tests make it.
import { execFileSync, spawnSync } from 'node:child_process';
import { BUSYBOX_ROOTFS, REPO_ROOT } from '../../test/support/repo-paths.js';
import { option } from './measure.js';
import { join } from 'node:path';

const COMPAT_HOST = 'unix:///tmp/berth-compat-dockerd/run/docker.sock';
const SCRIPT = join(REPO_ROOT, 'scripts', 'compat-dockerd.sh');

export interface Dockerd {
  host: string;
  /** Stops the dockerd when this bench started it; a no-op otherwise. */
  release(): void;
}

function answers(host: string): boolean {
  return spawnSync('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function ensureBusybox(host: string): void {
  if (spawnSync('docker', ['-H', host, 'image', 'inspect', 'busybox:latest'], { stdio: 'ignore' }).status === 0) return;
  const tar = execFileSync(process.execPath, [BUSYBOX_ROOTFS], { maxBuffer: 64 << 20 });
  execFileSync('docker', ['-H', host, 'import', '-c', 'CMD ["sh"]', '-', 'busybox:latest'], { input: tar, stdio: ['pipe', 'ignore', 'inherit'] });
}

/** The dockerd to compare with, or undefined (`--no-dockerd`, or none can be had): docker figures are skipped. */
export function findDockerd(): Dockerd | undefined {
  if (process.argv.includes('--no-dockerd')) return undefined;
  const given = option('docker-host') ?? process.env.BENCH_DOCKER_HOST;
  const host = given ?? COMPAT_HOST;
  if (answers(host)) {
    ensureBusybox(host);
    return { host, release: () => undefined };
  }
  if (given !== undefined) {
    console.log(`no dockerd answers on ${host}: docker figures skipped`);
    return undefined;
  }
  console.log('no dockerd runs: starting one with scripts/compat-dockerd.sh (stopped at the end)');
  if (spawnSync('bash', [SCRIPT, 'start'], { stdio: 'inherit' }).status !== 0 || !answers(host)) {
    console.log('could not start a dockerd: docker figures skipped');
    return undefined;
  }
  ensureBusybox(host);
  return { host, release: () => void spawnSync('bash', [SCRIPT, 'stop'], { stdio: 'inherit' }) };
}
