// The build cache (hits, invalidation by content not mtime, --no-cache, restarts, prune), the stage
// graph (independent stages side by side), Dockerfile locations (-f outside the context, -f -),
// and failures (messages with the line, docker's exit codes, nothing tagged).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { builtId, dockerBuild, dockerRun, runIn, stepCacheStates } from './harness.js';

const CACHE_DOCKERFILE = `FROM busybox
ENV MODE=test
RUN echo first > /first.txt
COPY data.txt /data.txt
RUN cat /data.txt > /derived.txt
CMD ["cat", "/derived.txt"]
`;

describe('build cache, graph and errors', () => {
  let d: TestDaemon;
  let ctx: string;
  before(async () => {
    d = await startTestDaemon();
    ctx = mkdtempSync('/tmp/berth-build-cache-');
    writeFileSync(join(ctx, 'Dockerfile'), CACHE_DOCKERFILE);
    writeFileSync(join(ctx, 'data.txt'), 'version 1\n');
  });
  after(async () => {
    rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  let firstId: string | undefined;

  it('an unchanged rebuild is all cache hits with the same image ID', async () => {
    const iid = join(ctx, '..', `${ctx.split('/').pop()}.iid`);
    const a = await dockerBuild(d, ['-t', 'cache:a', '-t', 'cache:alias', '--iidfile', iid, ctx]);
    assert.equal(a.code, 0, a.stdout + a.stderr);
    firstId = builtId(a.stdout);
    assert.ok(firstId);
    // Several tags, and docker's --iidfile (written by the CLI from the aux message).
    assert.match(a.stdout, /Successfully tagged cache:a\nSuccessfully tagged cache:alias\n/);
    assert.equal(readFileSync(iid, 'utf8').slice('sha256:'.length, 'sha256:'.length + 12), firstId);
    rmSync(iid, { force: true });
    assert.ok(stepCacheStates(a.stdout).every((s) => !s.cached));
    const b = await dockerBuild(d, ['-t', 'cache:a', ctx]);
    assert.equal(b.code, 0);
    const states = stepCacheStates(b.stdout);
    assert.equal(states.length, 6);
    assert.deepEqual(states.slice(1).map((s) => s.cached), [true, true, true, true, true]);
    assert.equal(builtId(b.stdout), firstId);
  });

  it('touching only the mtime of a copied file keeps the cache', async () => {
    const later = new Date(Date.now() + 3600_000);
    utimesSync(join(ctx, 'data.txt'), later, later);
    const b = await dockerBuild(d, ['-t', 'cache:a', ctx]);
    assert.equal(b.code, 0);
    assert.ok(stepCacheStates(b.stdout).slice(1).every((s) => s.cached));
    assert.equal(builtId(b.stdout), firstId);
  });

  it('changing a copied file invalidates from that step on', async () => {
    writeFileSync(join(ctx, 'data.txt'), 'version 2\n');
    const b = await dockerBuild(d, ['-t', 'cache:b', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.deepEqual(stepCacheStates(b.stdout).map((s) => s.cached), [false, true, true, false, false, false]);
    assert.notEqual(builtId(b.stdout), firstId);
    assert.equal((await dockerRun(d, ['cache:b'])).stdout, 'version 2\n');
    // The old image is untouched.
    assert.equal((await dockerRun(d, ['cache:a'])).stdout, 'version 1\n');
  });

  it('--no-cache runs every step again', async () => {
    const b = await dockerBuild(d, ['--no-cache', '-t', 'cache:nocache', ctx]);
    assert.equal(b.code, 0);
    assert.ok(stepCacheStates(b.stdout).every((s) => !s.cached));
  });

  it('a bound file that changed invalidates the RUN that mounts it', async () => {
    const dir = mkdtempSync('/tmp/berth-build-bind-');
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=bind,source=input.txt,target=/in.txt cp /in.txt /out.txt\n');
      writeFileSync(join(dir, 'input.txt'), 'one\n');
      assert.equal((await dockerBuild(d, ['-t', 'bind', dir])).code, 0);
      writeFileSync(join(dir, 'input.txt'), 'two\n');
      const b = await dockerBuild(d, ['-t', 'bind', dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.deepEqual(stepCacheStates(b.stdout).map((s) => s.cached), [false, false]);
      assert.equal(await runIn(d, 'bind', 'cat /out.txt'), 'two\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the cache survives a daemon restart', async () => {
    const before = await dockerBuild(d, ['-t', 'cache:b', ctx]);
    const id = builtId(before.stdout);
    await d.stopDaemon();
    await d.start();
    const b = await dockerBuild(d, ['-t', 'cache:b', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.ok(stepCacheStates(b.stdout).slice(1).every((s) => s.cached));
    assert.equal(builtId(b.stdout), id);
  });

  it('builder prune empties the cache (berth CLI and POST /build/prune)', async () => {
    const p = await d.berth(['builder', 'prune', '-f']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /Total reclaimed space:/);
    const b = await dockerBuild(d, ['-t', 'cache:b', ctx]);
    assert.equal(b.code, 0);
    assert.ok(stepCacheStates(b.stdout).every((s) => !s.cached));
    assert.equal((await dockerRun(d, ['cache:b'])).stdout, 'version 2\n');
  });

  it('independent stages run at the same time; the target waits for both', async () => {
    const dir = mkdtempSync('/tmp/berth-build-par-');
    try {
      // Each stage notes the host's uptime before and after a sleep; overlapping spans mean parallel runs.
      const span = 'cut -d" " -f1 /proc/uptime > /start && sleep 2 && cut -d" " -f1 /proc/uptime > /end';
      writeFileSync(
        join(dir, 'Dockerfile'),
        `FROM busybox AS one\nRUN ${span}\nFROM busybox AS two\nRUN ${span}\nFROM busybox\nCOPY --from=one /start /one.start\nCOPY --from=one /end /one.end\nCOPY --from=two /start /two.start\nCOPY --from=two /end /two.end\n`,
      );
      const b = await dockerBuild(d, ['-t', 'par', dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const [s1, e1, s2, e2] = (await runIn(d, 'par', 'cat /one.start /one.end /two.start /two.end')).trim().split('\n').map(Number);
      assert.ok(s1! < e2! && s2! < e1!, `spans ${s1}-${e1} and ${s2}-${e2} do not overlap`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-f names a Dockerfile outside the context, and - reads it from stdin (docker CLI)', async () => {
    const dir = mkdtempSync('/tmp/berth-build-f-');
    try {
      mkdirSync(join(dir, 'context'));
      writeFileSync(join(dir, 'context', 'file.txt'), 'ctx file\n');
      writeFileSync(join(dir, 'elsewhere.Dockerfile'), 'FROM busybox\nCOPY . /ctx/\nCMD ["cat", "/ctx/file.txt"]\n');
      const b = await dockerBuild(d, ['-f', join(dir, 'elsewhere.Dockerfile'), '-t', 'fout', join(dir, 'context')]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.equal((await dockerRun(d, ['fout'])).stdout, 'ctx file\n');
      // The Dockerfile the CLI added under a private name is not part of the context the build sees.
      assert.equal(await runIn(d, 'fout', 'ls -A /ctx'), 'file.txt\n');
      const s = await dockerBuild(d, ['-f', '-', '-t', 'fstdin', join(dir, 'context')], 'FROM busybox\nCOPY file.txt /stdin.txt\nCMD ["cat", "/stdin.txt"]\n');
      assert.equal(s.code, 0, s.stdout + s.stderr);
      assert.equal((await dockerRun(d, ['fstdin'])).stdout, 'ctx file\n');
      // berth's CLI: -q prints the ID, --iidfile writes it.
      const iid = join(dir, 'iid');
      const q = await d.berth(['build', '-q', '--iidfile', iid, '-f', join(dir, 'elsewhere.Dockerfile'), join(dir, 'context')], { timeoutMs: 60_000 });
      assert.equal(q.code, 0, q.stderr);
      assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
      assert.equal(readFileSync(iid, 'utf8'), q.stdout.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('failures', () => {
    const build = (dockerfile: string, files: Record<string, string> = {}, tags = ['broken:1', 'broken:2']) => {
      const dir = mkdtempSync('/tmp/berth-build-err-');
      writeFileSync(join(dir, 'Dockerfile'), dockerfile);
      for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
      return dockerBuild(d, [...tags.flatMap((t) => ['-t', t]), dir]).finally(() => rmSync(dir, { recursive: true, force: true }));
    };
    const assertNothingTagged = async () => {
      for (const t of ['broken:1', 'broken:2']) assert.notEqual((await d.docker(['image', 'inspect', t])).code, 0, `${t} exists`);
    };

    it('unknown instruction: parse error with the line (an error response, as dockerd gives), exit 1', async () => {
      const r = await build('FROM busybox\nRUN true\nFOO bar\n');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error response from daemon: dockerfile parse error on line 3: unknown instruction: FOO/);
      assert.doesNotMatch(r.stdout, /Step 1/);
      await assertNothingTagged();
    });

    it('bad substitution: the message names the line', async () => {
      const r = await build('FROM busybox\nENV A=1\nENV B=${A:?}x${\n');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /line 3|missing '}'|bad substitution|unexpected end/i);
      assert.match(r.stderr, /missing '}'|bad substitution|unexpected end/i);
      await assertNothingTagged();
    });

    it('missing COPY source: not found, with the step', async () => {
      const r = await build('FROM busybox\nRUN true\nCOPY missing.txt /x\n');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /"\/missing.txt": not found/);
      // The classic builder's stream has no Dockerfile excerpt (that is BuildKit's).
      assert.doesNotMatch(r.stdout, /Dockerfile:3\n/);
      await assertNothingTagged();
    });

    it('failing RUN: its exit code, its last output, the line; nothing tagged', async () => {
      const r = await build('FROM busybox\nRUN echo before-failure && echo to-stderr >&2 && exit 3\nCMD ["true"]\n');
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /The command '\/bin\/sh -c echo before-failure && echo to-stderr >&2 && exit 3' returned a non-zero code: 3/);
      assert.match(r.stdout, /before-failure/);
      await assertNothingTagged();
      // berth's CLI: BuildKit-style lines, exit 1 as BuildKit gives.
      const dir = mkdtempSync('/tmp/berth-build-err-');
      try {
        writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo last words && exit 5\n');
        const b = await d.berth(['build', dir], { timeoutMs: 60_000 });
        assert.equal(b.code, 1);
        assert.match(b.stderr, /#2 \[stage-0 2\/2\] RUN echo last words && exit 5/);
        assert.match(b.stderr, /#2 [0-9.]+ last words/);
        assert.match(b.stderr, /ERROR: The command .* returned a non-zero code: 5/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('several COPY sources into a path without a trailing slash; an unknown USER for RUN', async () => {
      const a = await build('FROM busybox\nCOPY a.txt b.txt /dest\n', { 'a.txt': 'a', 'b.txt': 'b' });
      assert.equal(a.code, 1);
      assert.match(a.stderr, /When using COPY with more than one source file, the destination must be a directory and end with a \//);
      const u = await build('FROM busybox\nUSER nosuchuser\nRUN true\n');
      assert.equal(u.code, 1);
      assert.match(u.stderr, /nosuchuser/);
      await assertNothingTagged();
    });

    it('a base image of another platform: docker\'s mismatch message', async () => {
      const r = await build('FROM --platform=linux/s390x busybox\nRUN true\n');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not match the specified platform: wanted linux\/s390x/);
    });

    it('unknown --target: clear message', async () => {
      const dir = mkdtempSync('/tmp/berth-build-err-');
      try {
        writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox AS build\nRUN true\n');
        const r = await dockerBuild(d, ['--target', 'nope', dir]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /target stage "nope" could not be found/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
