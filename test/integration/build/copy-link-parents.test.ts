// COPY --parents keeps the sources' paths (below a `/./` pivot) under the destination; COPY --link
// makes a layer that does not depend on what is below it, so its cache entry survives a change
// of the base image. Checked by running the images.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dockerBuild, runIn, stepCacheStates } from './harness.js';

const DOCKERFILE = `ARG BASE=busybox
FROM \${BASE}
COPY --parents a/b/c.txt x/*/z.txt /p1/
COPY --parents ./a/./b/c.txt /p2/
COPY --parents a /p3/
COPY --link app.txt /srv/app.txt
COPY --link --chown=nobody app.txt /srv/owned.txt
RUN cat /srv/app.txt > /check
`;

describe('build: COPY --parents and --link', () => {
  let d: TestDaemon;
  let ctx: string;
  before(async () => {
    d = await startTestDaemon();
    ctx = mkdtempSync('/tmp/berth-build-link-');
    for (const f of ['a/b/c.txt', 'a/d.txt', 'x/y/z.txt', 'app.txt']) {
      mkdirSync(join(ctx, f, '..'), { recursive: true });
      writeFileSync(join(ctx, f), `${f}\n`);
    }
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
  });
  after(async () => {
    rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  it('COPY --parents keeps source paths; COPY --link files land over the base', async () => {
    const b = await dockerBuild(d, ['-t', 'link:one', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const out = await runIn(d, 'link:one', 'find /p1 /p2 /p3 -type f | sort; cat /check; stat -c %u /srv/owned.txt; test -x /bin/sh && echo base-kept');
    assert.equal(out, ['/p1/a/b/c.txt', '/p1/x/y/z.txt', '/p2/b/c.txt', '/p3/a/b/c.txt', '/p3/a/d.txt', 'app.txt', '65534', 'base-kept', ''].join('\n'));
  });

  it('a --link layer is reused from the cache when the base changes', async () => {
    const base2 = await dockerBuild(d, ['-t', 'link:base2', '-'], 'FROM busybox\nRUN echo two > /base2\n');
    assert.equal(base2.code, 0, base2.stdout + base2.stderr);
    const b = await dockerBuild(d, ['-t', 'link:two', '--build-arg', 'BASE=link:base2', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const states = new Map(stepCacheStates(b.stdout).map((s) => [s.step, s.cached]));
    assert.equal(states.get('COPY --link app.txt /srv/app.txt'), true, b.stdout);
    assert.equal(states.get('COPY --link --chown=nobody app.txt /srv/owned.txt'), true, b.stdout);
    assert.equal(states.get('COPY --parents a /p3/'), false, b.stdout);
    const out = await runIn(d, 'link:two', 'cat /base2 /check /srv/app.txt; find /p3 -type f | sort');
    assert.equal(out, 'two\napp.txt\napp.txt\n/p3/a/b/c.txt\n/p3/a/d.txt\n');
  });
});
