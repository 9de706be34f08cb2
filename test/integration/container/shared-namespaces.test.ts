// `--pid container:X` and `--ipc container:X` through the real docker CLI: the new container sees
// X's processes and shares its IPC namespace; joining a stopped container fails like docker.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('shared pid and ipc namespaces', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
    await d.docker(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '300']);
  });
  after(async () => {
    await d?.stop();
  });

  const ns = async (args: string[], kind: string): Promise<string> =>
    (await d.docker([...args, 'readlink', `/proc/self/ns/${kind}`])).stdout.trim();

  it('--pid container:X sees X\'s processes in the same pid namespace', async () => {
    const ps = await d.docker(['run', '--rm', '--pid', 'container:owner', 'busybox', 'ps', '-o', 'pid,args']);
    assert.match(ps.stdout, /^\s*1\s+sleep 300$/m);
    assert.equal(await ns(['run', '--rm', '--pid', 'container:owner', 'busybox'], 'pid'), await ns(['exec', 'owner'], 'pid'));
    assert.notEqual(await ns(['run', '--rm', 'busybox'], 'pid'), await ns(['exec', 'owner'], 'pid'));
  });

  it('--ipc container:X shares X\'s IPC namespace', async () => {
    assert.equal(await ns(['run', '--rm', '--ipc', 'container:owner', 'busybox'], 'ipc'), await ns(['exec', 'owner'], 'ipc'));
    assert.notEqual(await ns(['run', '--rm', 'busybox'], 'ipc'), await ns(['exec', 'owner'], 'ipc'));
  });

  it('refuses to join a container that is not running', async () => {
    await d.docker(['create', '--name', 'idle', 'busybox', 'true']);
    const r = await d.docker(['run', '--rm', '--pid', 'container:idle', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /cannot join PID of a non running container: [0-9a-f]{64}/);
  });
});
