// The hostile corpus through the container and build entry points: `docker cp` into a running
// container (and cp while the container swaps the target for a symlink in a loop, CVE-2018-15664),
// a build context, `ADD` of a local tar (unpacked) and of a remote one (served on loopback),
// and `commit`/`export` round trips of an image with devices, a FIFO and setuid files.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HOSTILE_CASES, type HostileEntry, gzipBomb, hostileTar } from '../../support/hostile-archives.js';
import { api, brief, checkAfter, collect, diskUse, errorOf, startHostileEnv } from './harness.js';

const root = process.getuid?.() === 0;

function context(dockerfile: string, extra: HostileEntry[] = [], raw?: Buffer): Buffer {
  const df = hostileTar([{ name: 'Dockerfile', type: 'file', mode: 0o644, data: dockerfile }]);
  const head = df.subarray(0, df.length - 1024);
  if (raw) return Buffer.concat([head, raw]);
  return Buffer.concat([head, hostileTar(extra)]);
}

test('hostile archives through cp, build, ADD, commit and export', { skip: !root && 'needs root', timeout: 150_000 }, async (t) => {
  const env = await startHostileEnv(t);
  const d = env.daemon;
  const run = await d.docker(['run', '-d', '--name', 'target', '--network', 'none', 'busybox', 'sleep', '600']);
  assert.equal(run.code, 0, run.stderr);

  for (const c of HOSTILE_CASES) {
    const tar = await collect(c.stream(env.canary));
    const before = diskUse(d);
    const r = await api(d, 'PUT', '/v1.47/containers/target/archive?path=/tmp', tar);
    t.diagnostic(`cp ${c.name}: ${brief(errorOf(r))}`);
    await checkAfter(env, `cp ${c.name}`, { duBefore: before, run: false });

    const ctx = context('FROM busybox\nCOPY . /ctx/\n', [], tar);
    const b = await api(d, 'POST', `/v1.47/build?t=hostile-ctx:${c.name}&rm=1`, ctx);
    t.diagnostic(`build context ${c.name}: ${brief(errorOf(b))}`);
    await checkAfter(env, `build context ${c.name}`, { run: false });

    const add = context('FROM busybox\nADD h.tar /x/\n', [{ name: 'h.tar', type: 'file', mode: 0o644, data: tar }]);
    const a = await api(d, 'POST', `/v1.47/build?t=hostile-add:${c.name}&rm=1`, add);
    t.diagnostic(`ADD local tar ${c.name}: ${brief(errorOf(a))}`);
    await checkAfter(env, `ADD ${c.name}`, { run: false });
  }
  await checkAfter(env, 'cp/build corpus');

  // A remote tar is downloaded as a file, never unpacked (docker's rule): served on loopback.
  const bombBytes = await collect(gzipBomb());
  const srv = createServer((req, res) => res.end(req.url === '/bomb.tar.gz' ? bombBytes : hostileTar([{ name: '../escape-remote', type: 'file', mode: 0o644, data: 'x' }])));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const port = (srv.address() as AddressInfo).port;
  for (const f of ['h.tar', 'bomb.tar.gz']) {
    const r = await api(d, 'POST', `/v1.47/build?t=hostile-remote&rm=1&networkmode=host`, context(`FROM busybox\nADD http://127.0.0.1:${port}/${f} /r/\n`));
    t.diagnostic(`ADD remote ${f}: ${brief(errorOf(r))}`);
    await checkAfter(env, `ADD remote ${f}`, { run: false });
  }

  let before = diskUse(d);
  const bomb = await api(d, 'POST', '/v1.47/build?t=hostile-bomb&rm=1', gzipBomb());
  t.diagnostic(`build context bomb: ${brief(errorOf(bomb))}`);
  assert.ok(errorOf(bomb), 'a bomb context must fail');
  await checkAfter(env, 'build context bomb', { duBefore: before });

  // CVE-2018-15664: the container swaps /w/d between a directory and a symlink to the canary.
  const racer = await d.docker(['run', '-d', '--name', 'racer', '--network', 'none', 'busybox', 'sh', '-c',
    `mkdir -p /w; while :; do mkdir /w/d 2>/dev/null; rm -rf /w/d; ln -s ${env.canary} /w/d; rm -f /w/d; done`]);
  assert.equal(racer.code, 0, racer.stderr);
  const payload = hostileTar([{ name: 'escape-race', type: 'file', mode: 0o644, data: 'x' }]);
  let copied = 0;
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline) {
    const r = await api(d, 'PUT', '/v1.47/containers/racer/archive?path=/w/d', payload);
    if (r.status === 200) copied++;
  }
  t.diagnostic(`cp race: ${copied} copies landed`);
  await d.docker(['rm', '-f', 'racer']);
  await checkAfter(env, 'cp race');

  // commit/export of an image with devices, a FIFO and setuid files: nothing hangs, nothing lost.
  for (const name of ['devices-fifo', 'setuid']) {
    const c = HOSTILE_CASES.find((x) => x.name === name)!;
    const imp = await api(d, 'POST', `/v1.47/images/create?fromSrc=-&repo=hostile-rt&tag=${name}`, c.stream(env.canary));
    assert.equal(errorOf(imp), undefined);
  }
  before = diskUse(d);
  const cr = await d.docker(['create', '--name', 'rt', 'hostile-rt:devices-fifo', 'x']);
  assert.equal(cr.code, 0, cr.stderr);
  const exp = await api(d, 'GET', '/v1.47/containers/rt/export');
  assert.equal(exp.status, 200);
  assert.ok(exp.text.includes('fifo') && exp.text.includes('dev/mem2'), 'export lost the FIFO or a device');
  const cm = await api(d, 'POST', '/v1.47/commit?container=rt&repo=hostile-rt&tag=committed', Buffer.from('{}'), { 'Content-Type': 'application/json' });
  assert.equal(cm.status, 201, cm.text);
  const su = await d.docker(['create', '--name', 'su', 'hostile-rt:setuid', 'x']);
  assert.equal(su.code, 0, su.stderr);
  const suExp = await api(d, 'GET', '/v1.47/containers/su/export');
  assert.ok(suExp.text.includes('0004755'), 'export lost the setuid bit');
  await checkAfter(env, 'commit/export', { duBefore: before });
});
