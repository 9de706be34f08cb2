// State survives a daemon crash: kill -9 berthd while a container runs; the container keeps running
// (conmon), and a new berthd lists it, serves its complete logs and stops it.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('daemon restart', () => {
  let d: TestDaemon | undefined;
  after(async () => {
    await d?.stop();
  });

  it('keeps containers running across kill -9 of berthd', async () => {
    d = await startTestDaemon();
    await d.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done']);
    await d.docker(['run', '-d', '--name', 'shortlived', 'busybox', 'sh', '-c', 'sleep 1; exit 5']);
    await new Promise((r) => setTimeout(r, 500));
    await d.kill9();
    await new Promise((r) => setTimeout(r, 1200)); // shortlived exits while no daemon runs
    await d.start();
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.State}}']);
    assert.match(ps.stdout, /^survivor running$/m);
    const st = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'shortlived']);
    assert.equal(st.stdout.trim(), 'exited 5');
    const logs = (await d.docker(['logs', 'survivor'])).stdout.split('\n').filter(Boolean);
    assert.ok(logs.length >= 5, `only ${logs.length} log lines`);
    logs.forEach((l, i) => assert.equal(l, `tick ${i}`));
    const stop = await d.docker(['stop', '-t', '1', 'survivor']);
    assert.equal(stop.code, 0);
    const st2 = await d.docker(['inspect', '-f', '{{.State.Status}}', 'survivor']);
    assert.equal(st2.stdout.trim(), 'exited');
  });
});
