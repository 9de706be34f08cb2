// `berth system check`: nothing on a daemon in use; planted orphans (a blob, an old ingest, a
// cgroup) found, removed by --repair, and not found again.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

interface Report { findings: Array<{ kind: string; id: string; repaired?: boolean }> }

async function check(d: TestDaemon, repair: boolean): Promise<{ code: number; report: Report }> {
  const r = await d.berth(['system', 'check', '--format', 'json', ...(repair ? ['--repair'] : [])]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

describe('berth system check', () => {
  let d: TestDaemon | undefined;
  after(async () => {
    await d?.stop();
  });

  it('finds nothing on a daemon in use, then finds and repairs planted orphans', async () => {
    d = await startTestDaemon();
    assert.equal((await d.docker(['run', '--name', 'done', 'busybox', 'echo', 'hi'])).code, 0);
    assert.equal((await d.docker(['run', '-d', '--name', 'live', 'busybox', 'sleep', '300'])).code, 0);
    assert.equal((await d.docker(['volume', 'create', 'v1'])).code, 0);
    assert.equal((await d.docker(['network', 'create', 'n1'])).code, 0);
    const clean = await check(d, false);
    assert.deepEqual(clean.report.findings, []);
    assert.equal(clean.code, 0);
    const text = await d.berth(['system', 'check']);
    assert.equal(text.stdout, 'Nothing orphaned.\n');

    // Plant: a blob nothing references, an ingest from before the start, a cgroup of nothing.
    const data = join(d.dir, 'data');
    const bytes = Buffer.from('orphan blob');
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(data, 'content', 'blobs', 'sha256', hex), bytes);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(data, 'content', 'blobs', 'sha256', hex), old, old);
    mkdirSync(join(data, 'content', 'ingest'), { recursive: true });
    writeFileSync(join(data, 'content', 'ingest', 'cut-short'), 'partial');
    utimesSync(join(data, 'content', 'ingest', 'cut-short'), old, old);
    const cg = existsSync('/sys/fs/cgroup/cgroup.controllers') ? `/sys/fs/cgroup/berth-${d.tag}/${'f'.repeat(64)}` : `/sys/fs/cgroup/pids/berth-${d.tag}/${'f'.repeat(64)}`;
    mkdirSync(cg, { recursive: true });
    // What a job of the running daemon made lately may be in flight: restart so all of it predates the start.
    await d.stopDaemon();
    await d.start();

    const found = await check(d, false);
    const kinds = found.report.findings.map((f) => `${f.kind} ${f.id}`);
    assert.ok(kinds.includes(`blob sha256:${hex}`), kinds.join('\n'));
    assert.ok(kinds.includes('ingest cut-short'), kinds.join('\n'));
    assert.ok(kinds.includes(`cgroup ${cg}`), kinds.join('\n'));
    assert.equal(found.code, 1);

    const repaired = await check(d, true);
    assert.ok(repaired.report.findings.length >= 3);
    for (const f of repaired.report.findings) assert.equal(f.repaired, true, `${f.kind} ${f.id}`);
    assert.equal(repaired.code, 0);
    assert.ok(!existsSync(cg));
    assert.deepEqual((await check(d, false)).report.findings, []);
    // The running container and the images are untouched.
    assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}}', 'live'])).stdout.trim(), 'running');
    assert.equal((await d.docker(['run', '--rm', 'busybox', 'true'])).code, 0);
  });
});
