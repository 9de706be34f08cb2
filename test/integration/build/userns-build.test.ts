// `docker build` on a daemon started with --userns-remap default: RUN steps run in the daemon's
// user namespace (root inside is the range start on the host), on the default bridge through the
// user namespace that owns the network's namespace; COPY --chown, RUN's files and a cache mount
// are owned by the shifted ids on disk and show as the container's ids inside.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dockerBuild, runIn } from './harness.js';

/** Paths named `name` anywhere below `dir` (the store's snapshot directories). */
function findAll(dir: string, name: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.name === name) out.push(p);
    if (e.isDirectory() && !e.isSymbolicLink()) findAll(p, name, out);
  }
  return out;
}

describe('build on a daemon with --userns-remap', () => {
  let d: TestDaemon;
  let ctx: string;
  let store: string;
  let start: { uid: number; gid: number };
  before(async () => {
    d = await startTestDaemon({ args: ['--userns-remap', 'default'] });
    ctx = mkdtempSync('/tmp/berth-build-userns-');
    store = (await d.docker(['info', '--format', '{{.DockerRootDir}}'])).stdout.trim();
    const [uid, gid] = basename(store).split('.').map(Number);
    start = { uid: uid!, gid: gid! };
  });
  after(async () => {
    if (ctx) rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  it('runs RUN as the remapped root and writes shifted owners for RUN, COPY --chown and cache mounts', async () => {
    writeFileSync(join(ctx, 'f-userns'), 'copied\n');
    writeFileSync(join(ctx, 'g'), 'in a tar\n');
    execFileSync('tar', ['-C', ctx, '--owner=1234', '--group=1234', '-cf', join(ctx, 't.tar'), 'g']);
    writeFileSync(join(ctx, 'Dockerfile'), [
      'FROM busybox',
      'RUN id -u > /uid && cat /proc/self/uid_map > /map && touch /made-userns && ls /sys/class/net > /nets',
      'COPY --chown=1000:1000 f-userns /f-userns',
      'RUN --mount=type=cache,target=/c,id=userns-c touch /c/x && stat -c %u:%g /c /c/x > /cache-owners',
      'RUN --mount=type=cache,target=/s,id=userns-seed,from=busybox,source=/etc stat -c %u:%g /s /s/passwd > /seed-owners',
      'COPY --from=busybox /bin/busybox /bb',
      'ADD t.tar /untarred/',
      'RUN --mount=type=bind,source=f-userns,target=/x cat /x > /bound',
      'RUN --network=none ls /sys/class/net > /none-nets',
      'RUN ping -c 1 -W 5 $(ip route | awk \'/default/ { print $3 }\') > /dev/null && echo reached > /gateway',
      '',
    ].join('\n'));
    const b = await dockerBuild(d, ['-t', 'remapped:1', ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const out = await runIn(d, 'remapped:1', 'cat /uid; cat /map; stat -c %u:%g /made-userns /f-userns /bb /untarred/g; cat /cache-owners /seed-owners; cat /nets /bound /none-nets /gateway');
    const lines = out.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(lines, ['0', `0 ${start.uid} 65536`, '0:0', '1000:1000', '0:0', '1234:1234', '0:0', '0:0', '0:0', '0:0', 'eth0', 'lo', 'copied', 'lo', 'reached']);
    // On the host, the layers' files belong to the range.
    const snapshots = join(store, 'snapshots');
    const made = findAll(snapshots, 'made-userns');
    const copied = findAll(snapshots, 'f-userns');
    assert.ok(made.length > 0 && copied.length > 0, 'files found in the store');
    for (const p of made) assert.deepEqual([statSync(p).uid, statSync(p).gid], [start.uid, start.gid], p);
    for (const p of copied) assert.deepEqual([statSync(p).uid, statSync(p).gid], [start.uid + 1000, start.gid + 1000], p);
    const cacheDir = findAll(join(store, 'build', 'cache-mounts'), 'x')[0];
    assert.ok(cacheDir, 'cache mount file on disk');
    assert.equal(statSync(cacheDir).uid, start.uid);
  });

  it('gives RUN a secret its remapped root can read (berth build --secret)', async () => {
    const secret = join(ctx, 'token');
    writeFileSync(secret, 's3cret', { mode: 0o600 });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=secret,id=token cp /run/secrets/token /got\n');
    const b = await d.berth(['build', '-t', 'remapped:secret', '--secret', `id=token,src=${secret}`, ctx], { timeoutMs: 120_000 });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.equal(await runIn(d, 'remapped:secret', 'cat /got'), 's3cret');
  });
});
