// A build holds the layers it is about to reuse: removing the image that owned a cached layer,
// and pruning every image, while the build runs must not take that layer from under it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dockerBuild, runIn } from './harness.js';

describe('build: layers leased while the build runs', () => {
  let d: TestDaemon;
  let ctx: string;
  before(async () => {
    d = await startTestDaemon();
    ctx = mkdtempSync('/tmp/berth-build-lease-');
  });
  after(async () => {
    rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  it('rmi and image prune during a build leave the layers it reuses', async () => {
    // First build: its only owner of the "one" layer is the image lease:first.
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo one > /one\n');
    const first = await dockerBuild(d, ['-t', 'lease:first', ctx]);
    assert.equal(first.code, 0, first.stdout + first.stderr);

    // Second build: stage a is that cached step, done at once; the main stage copies from it
    // only after a pause, while the image that owned the layer is removed and all is pruned.
    writeFileSync(
      join(ctx, 'Dockerfile'),
      ['FROM busybox AS a', 'RUN echo one > /one', 'FROM busybox', 'RUN sleep 2', 'COPY --from=a /one /copied', ''].join('\n'),
    );
    const building = dockerBuild(d, ['-t', 'lease:second', ctx]);
    await new Promise((r) => setTimeout(r, 1000));
    const rmi = await d.docker(['rmi', 'lease:first']);
    assert.equal(rmi.code, 0, rmi.stderr);
    const prune = await d.docker(['image', 'prune', '-a', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    const second = await building;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Using cache/);
    assert.equal((await runIn(d, 'lease:second', 'cat /copied')).trim(), 'one');
  });
});
