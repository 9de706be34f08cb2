// Pods on real containers through the berth CLI and docker's: members talk over localhost, the
// pod's published port reaches a member, `pod rm -f` removes all of it, a pod survives kill -9.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

const ok = (r: { code: number; stdout: string; stderr: string }): string => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
};

/** What a TCP connection to the host port reads before the server closes it. */
function readPort(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port });
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('pods', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('two containers in a pod talk over localhost, and docker sees ordinary labelled containers', async () => {
    const id = ok(await d.berth(['pod', 'create', '--name', 'talk'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    ok(await d.berth(['run', '-d', '--pod', 'talk', '--name', 'server', 'busybox', 'sh', '-c', 'while true; do echo hello-from-pod | nc -l -p 7000; done']));
    const out = await eventually(async () => {
      const r = await d.berth(['run', '--rm', '--pod', 'talk', 'busybox', 'sh', '-c', 'nc 127.0.0.1 7000 </dev/null']);
      assert.match(r.stdout, /hello-from-pod/);
      return r.stdout;
    });
    assert.match(out, /hello-from-pod/);
    const labels = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Config.Labels}}', 'server']))) as Record<string, string>;
    assert.equal(labels['io.berth.pod'], 'talk');
    const ls = ok(await d.berth(['pod', 'ls', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}']));
    assert.match(ls, /^talk Running 2$/m); // the infra container and server
    const inspect = JSON.parse(ok(await d.berth(['pod', 'inspect', 'talk']))) as Array<{ Id: string; State: string; Containers: Array<{ Name: string }> }>;
    assert.equal(inspect[0]!.Id, id);
    assert.ok(inspect[0]!.Containers.some((c) => c.Name === 'server'));
    const top = ok(await d.berth(['pod', 'top', 'talk']));
    assert.match(top, /nc -l -p 7000/);
    ok(await d.berth(['run', '-d', '--pod', 'talk', '--name', 'echoer', 'busybox', 'echo', 'logged-line']));
    await eventually(async () => assert.match(ok(await d.berth(['pod', 'logs', '--names', 'talk'])), /^echoer logged-line$/m));
    assert.match(ok(await d.berth(['pod', 'logs', '-c', 'echoer', 'talk'])), /^[0-9a-f]{12} logged-line$/m);
  });

  it("members answer to the pod's hostname, as docker's --network container:X members take X's", async () => {
    ok(await d.berth(['pod', 'create', '--name', 'named', '--hostname', 'podhost']));
    assert.equal(ok(await d.berth(['run', '--rm', '--pod', 'named', 'busybox', 'hostname'])).trim(), 'podhost');
    ok(await d.berth(['run', '-d', '--name', 'plain-x', '--hostname', 'xhost', 'busybox', 'sleep', '300']));
    assert.equal(ok(await d.docker(['run', '--rm', '--network', 'container:plain-x', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname'])).trim(), 'xhost\nxhost');
    ok(await d.berth(['rm', '-f', 'plain-x']));
    ok(await d.berth(['pod', 'rm', '-f', 'named']));
  });

  it("a pod's published port reaches its container; a member cannot publish its own", async () => {
    ok(await d.berth(['pod', 'create', '--name', 'web', '-p', '127.0.0.1:18093:80']));
    const refused = await d.berth(['run', '-d', '--pod', 'web', '-p', '81:81', 'busybox', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /published ports belong to the pod web/);
    ok(await d.berth(['run', '-d', '--pod', 'web', '--name', 'webapp', 'busybox', 'sh', '-c', 'while true; do echo served-by-pod | nc -l -p 80; done']));
    const got = await eventually(async () => {
      const text = await readPort(18093);
      assert.match(text, /served-by-pod/);
      return text;
    });
    assert.match(got, /served-by-pod/);
  });

  it('stop, start, pause and unpause act on every container of the pod', async () => {
    ok(await d.berth(['pod', 'stop', '-t', '1', 'web']));
    assert.match(ok(await d.berth(['pod', 'ls', '--filter', 'name=^web$', '--format', '{{.Status}}'])), /^Exited$/m);
    ok(await d.berth(['pod', 'start', 'web']));
    assert.match(ok(await d.berth(['pod', 'ls', '--filter', 'name=^web$', '--format', '{{.Status}}'])), /^Running$/m);
    ok(await d.berth(['pod', 'pause', 'web']));
    assert.match(ok(await d.berth(['pod', 'inspect', '-f', '{{.State}}', 'web'])), /^Paused$/m);
    ok(await d.berth(['pod', 'unpause', 'web']));
    assert.match(ok(await d.berth(['pod', 'inspect', '-f', '{{.State}}', 'web'])), /^Running$/m);
  });

  it('a pod survives kill -9 of berthd', async () => {
    const before = ok(await d.berth(['pod', 'inspect', '-f', '{{.Id}} {{.InfraContainerID}} {{.NumContainers}}', 'web'])).trim();
    await d.kill9();
    await d.start();
    assert.equal(ok(await d.berth(['pod', 'inspect', '-f', '{{.Id}} {{.InfraContainerID}} {{.NumContainers}}', 'web'])).trim(), before);
    assert.match(ok(await d.berth(['pod', 'inspect', '-f', '{{.State}}', 'web'])), /^Running$/m);
    const got = await eventually(() => readPort(18093));
    assert.match(got, /served-by-pod/);
  });

  it('pod rm without -f refuses a pod with containers; pod rm -f removes all of it', async () => {
    const refused = await d.berth(['pod', 'rm', 'web']);
    assert.notEqual(refused.code, 0);
    ok(await d.berth(['pod', 'rm', '-f', 'web', 'talk']));
    assert.equal(ok(await d.berth(['pod', 'ls', '-q'])), '');
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', 'label=io.berth.pod'])), '');
    const gone = await d.berth(['pod', 'inspect', 'web']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no such pod/);
  });

  it('pod prune removes the stopped pods only', async () => {
    ok(await d.berth(['pod', 'create', '--name', 'idle']));
    ok(await d.berth(['pod', 'create', '--name', 'busy']));
    ok(await d.berth(['run', '-d', '--pod', 'busy', 'busybox', 'sleep', '300']));
    const pruned = ok(await d.berth(['pod', 'prune', '-f']));
    assert.equal(pruned.trim().split('\n').length, 1);
    assert.equal(ok(await d.berth(['pod', 'ls', '--format', '{{.Name}}'])).trim(), 'busy');
    ok(await d.berth(['pod', 'rm', '-f', 'busy']));
  });
});
