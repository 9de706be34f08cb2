// RUN --mount=type=cache sharing modes, with two stages that run at the same time: `locked`
// takes turns, `private` gives the second user a directory of its own, `shared` (the default)
// lets both write into one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';
import { dockerBuild, runIn } from './harness.js';

/** Two stages using cache `id` with `sharing` at once; the last stage reads what each saw. */
function dockerfile(sharing: string, id: string): string {
  const stage = (name: string): string[] => [
    `FROM busybox AS ${name}`,
    `RUN --mount=type=cache,target=/c,id=${id},sharing=${sharing} echo ${name}-start >> /c/log; touch /c/${name}; sleep 1; echo ${name}-end >> /c/log; ls /c | grep -v log | tr "\\n" " " > /seen-${name}`,
  ];
  return [
    ...stage('a'),
    ...stage('b'),
    'FROM busybox',
    'COPY --from=a /seen-a /',
    'COPY --from=b /seen-b /',
    `RUN --mount=type=cache,target=/c,id=${id} cat /c/log > /log`,
    '',
  ].join('\n');
}

describe('build: cache mount sharing', () => {
  let d: TestDaemon;
  let ctx: string;
  before(async () => {
    d = await startTestDaemon();
    ctx = mkdtempSync('/tmp/berth-build-cachemount-');
  });
  after(async () => {
    rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  const build = async (sharing: string, id: string): Promise<{ seenA: string; seenB: string; log: string[] }> => {
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile(sharing, id));
    const b = await dockerBuild(d, ['-t', `cm:${sharing}`, ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const out = await runIn(d, `cm:${sharing}`, 'cat /seen-a; echo; cat /seen-b; echo; cat /log');
    const [seenA, seenB, ...log] = out.trim().split('\n');
    return { seenA: seenA!.trim(), seenB: seenB!.trim(), log };
  };

  it('locked: the two users take turns', async () => {
    const { log } = await build('locked', 'lk');
    assert.equal(log.length, 4, log.join(','));
    // Each start is followed by its own end: no interleaving.
    assert.match(log[0]!, /-start$/);
    assert.equal(log[1], log[0]!.replace('-start', '-end'));
    assert.equal(log[3], log[2]!.replace('-start', '-end'));
  });

  it('shared: both write into one directory at once', async () => {
    const { seenA, seenB, log } = await build('shared', 'sh');
    assert.equal(seenA, 'a b');
    assert.equal(seenB, 'a b');
    // Both started before either ended.
    assert.deepEqual(log.slice(0, 2).map((l) => l.endsWith('-start')), [true, true], log.join(','));
  });

  it('private: a concurrent user gets a fresh directory of its own', async () => {
    const { seenA, seenB, log } = await build('private', 'pv');
    assert.deepEqual([seenA, seenB].sort(), ['a', 'b']);
    // The final step (shared) sees the first instance: one writer's log only.
    assert.equal(log.length, 2, log.join(','));
  });
});
