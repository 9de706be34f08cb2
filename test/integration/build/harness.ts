// Shared pieces of the build tests: the corpus location, a scratch copy of a corpus entry, and
// builds/runs through the real docker CLI (classic builder) or berth's CLI against a test berthd.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, TestDaemon } from '../../support/test-daemon.js';
import { TEST_SOURCES } from '../../support/repo-paths.js';

export const CORPUS = join(TEST_SOURCES, 'integration/build/corpus');

/** A temporary copy of a corpus entry (tests change files in it); removed by the returned function. */
export function corpusCopy(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync('/tmp/berth-build-test-');
  cpSync(join(CORPUS, name), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `DOCKER_BUILDKIT=0 docker build …` (the classic builder's API, which berthd serves). */
export function dockerBuild(d: TestDaemon, args: string[], input?: string): Promise<RunResult> {
  return d.docker(['build', ...args], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });
}

/**
 * `docker run --rm …`. The container service now and then misses the exit of a container that ends
 * at once (seen with plain busybox runs too, outside builds; it looks like an exit that arrives
 * before the start is recorded is dropped) and `docker run` waits on: such a run is cut short and
 * tried once more, so these tests check the images, not that.
 */
export async function dockerRun(d: TestDaemon, args: string[]): Promise<RunResult> {
  const r = await d.docker(['run', '--rm', ...args], { timeoutMs: 5_000 });
  if (r.code !== 137) return r;
  return d.docker(['run', '--rm', ...args], { timeoutMs: 30_000 });
}

/** Runs a command in an image and returns its stdout (throws on a non-zero exit). */
export async function runIn(d: TestDaemon, image: string, script: string): Promise<string> {
  // The short pause keeps the process alive until its start is recorded (see dockerRun).
  const r = await dockerRun(d, ['--network', 'none', '--entrypoint', '/bin/sh', image, '-c', `${script}\nstatus=$?; sleep 0.3; exit $status`]);
  if (r.code !== 0) throw new Error(`run in ${image} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export async function inspectImage(d: TestDaemon, image: string): Promise<Record<string, any>> {
  const r = await d.docker(['image', 'inspect', image]);
  if (r.code !== 0) throw new Error(`inspect ${image}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<Record<string, any>>)[0]!;
}

/** The image ID a classic build printed (`Successfully built <id>`). */
export function builtId(out: string): string | undefined {
  return /Successfully built ([0-9a-f]{12})/.exec(out)?.[1];
}

/** The step lines and whether each was cached, from classic output. */
export function stepCacheStates(out: string): Array<{ step: string; cached: boolean }> {
  const lines = out.split('\n');
  const steps: Array<{ step: string; cached: boolean }> = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^Step \d+\/\d+ : (.*)$/.exec(lines[i]!);
    if (!m) continue;
    let cached = false;
    for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('Step '); j++) if (lines[j] === ' ---> Using cache') cached = true;
    steps.push({ step: m[1]!, cached });
  }
  return steps;
}
