// RUN --mount=type=cache sharing modes, with two stages that run at the same time: `locked`
// takes turns, `private` gives the second user a directory of its own, `shared` (the default)
// lets both write into one. A cache with from= starts as a copy of a stage's or image's directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
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

  it('from=: a new cache starts as a copy of the stage or image source; an existing one is kept', async () => {
    const df = (word: string): string => [
      'FROM busybox AS seed',
      `RUN mkdir -p /seed/sub && echo ${word} > /seed/sub/a && chmod 0750 /seed && chown 12:34 /seed/sub/a`,
      'FROM busybox',
      'RUN --mount=type=cache,target=/c,id=seeded,from=seed,source=/seed cat /c/sub/a > /got; stat -c %a /c > /mode; stat -c %u:%g /c/sub/a > /own; cat /c/added > /before 2>/dev/null; echo more > /c/added',
      'RUN --mount=type=cache,target=/b,id=from-image,from=busybox,source=/bin,readonly ls /b | grep -cx busybox > /fromimg',
      '',
    ].join('\n');
    writeFileSync(join(ctx, 'Dockerfile'), df('first'));
    let b = await dockerBuild(d, ['-t', 'cm:from', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.equal(await runIn(d, 'cm:from', 'cat /got /mode /own /fromimg; cat /before 2>/dev/null; true'), 'first\n750\n12:34\n1\n');
    // The cache exists now: a changed base does not replace it (BuildKit's from is the base of a new cache).
    writeFileSync(join(ctx, 'Dockerfile'), df('second'));
    b = await dockerBuild(d, ['-t', 'cm:from', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.equal(await runIn(d, 'cm:from', 'cat /got /before'), 'first\nmore\n');
  });
});
