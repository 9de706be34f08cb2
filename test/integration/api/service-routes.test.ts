// Routes that answer from several services or through the service methods added for them: system
// df, info's counts, network connect/disconnect by container name, and the empty replies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('routes over services', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('system df counts images, containers and volumes; info counts them too', async () => {
    assert.equal((await d.docker(['create', '--name', 'dfc', '-v', 'dfvol:/data', 'busybox', 'true'])).code, 0);
    const df = await d.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']);
    assert.equal(df.code, 0, df.stderr);
    const rows = df.stdout.trim().split('\n');
    assert.ok(rows.includes('Images 1 1'), df.stdout);
    assert.ok(rows.includes('Containers 1 0'), df.stdout);
    assert.ok(rows.some((r) => r.startsWith('Local Volumes 1')), df.stdout);
    const verbose = await d.docker(['system', 'df', '-v']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.match(verbose.stdout, /dfc/);
    const info = await d.docker(['info', '--format', '{{.Containers}} {{.ContainersStopped}} {{.Images}}']);
    assert.equal(info.stdout.trim(), '1 1 1');
    assert.equal((await d.docker(['rm', '-v', 'dfc'])).code, 0);
    assert.equal((await d.docker(['volume', 'rm', 'dfvol'])).code, 0);
  });

  it('connects and disconnects a container named by name', async () => {
    assert.equal((await d.docker(['network', 'create', 'side'])).code, 0);
    assert.equal((await d.docker(['run', '-d', '--name', 'netc', 'busybox', 'sleep', '100'])).code, 0);
    const connect = await d.docker(['network', 'connect', 'side', 'netc']);
    assert.equal(connect.code, 0, connect.stderr);
    const nets = async (): Promise<string> => (await d.docker(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'netc'])).stdout.trim();
    assert.match(await nets(), /side/);
    const missing = await d.docker(['network', 'connect', 'side', 'no-such-container']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container/i);
    const disconnect = await d.docker(['network', 'disconnect', 'side', 'netc']);
    assert.equal(disconnect.code, 0, disconnect.stderr);
    assert.doesNotMatch(await nets(), /side/);
    assert.equal((await d.docker(['rm', '-f', 'netc'])).code, 0);
    assert.equal((await d.docker(['network', 'rm', 'side'])).code, 0);
  });

  it('connects a created container to a network it joins when it starts, with its alias', async () => {
    assert.equal((await d.docker(['network', 'create', 'later'])).code, 0);
    assert.equal((await d.docker(['create', '--name', 'netlater', 'busybox', 'sleep', '100'])).code, 0);
    const connect = await d.docker(['network', 'connect', '--alias', 'svc', 'later', 'netlater']);
    assert.equal(connect.code, 0, connect.stderr);
    // dockerd accepts a second connect of a stopped container and keeps the first config.
    const again = await d.docker(['network', 'connect', 'later', 'netlater']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await d.docker(['start', 'netlater'])).code, 0);
    const nets = await d.docker(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.Aliases}} {{end}}', 'netlater']);
    assert.match(nets.stdout, /later=\[svc\]/);
    assert.equal((await d.docker(['rm', '-f', 'netlater'])).code, 0);
    assert.equal((await d.docker(['network', 'rm', 'later'])).code, 0);
  });
});
