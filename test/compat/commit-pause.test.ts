// POST /commit with pause (the default of the docker CLI and docker-py): a running container is
// paused for the commit and unpaused after; a paused or stopped one is committed as it is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { runProcess } from '../support/test-daemon.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

let n = 0;
async function started(): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-c${n++}` },
    body: { Image: 'busybox:latest', Cmd: ['sh', '-c', 'echo state > /made; sleep 300'], Labels: { 'berth.compat': t.run } },
  });
  const id = (r.body as { Id: string }).Id;
  await t.ok('POST', `/containers/${id}/start`);
  return id;
}

async function statusOf(id: string): Promise<string> {
  return ((await t.ok('GET', `/containers/${id}/json`)).body as { State: { Status: string } }).State.Status;
}

function commit(id: string, name: string, query: Record<string, string> = {}): ReturnType<CompatTarget['api']> {
  return t.api('POST', '/commit', { query: { container: id, repo: `${t.run}/${name}`, tag: 'latest', ...query } });
}

describe('commit with pause', () => {
  it('pause=true on a running container: 201, paused and unpaused around it, running after', async () => {
    const id = await started();
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const r = await commit(id, 'paused', { pause: 'true' });
    assert.equal(r.status, 201, r.text);
    assert.match((r.body as { Id: string }).Id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await statusOf(id), 'running');
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const ev = await t.ok('GET', '/events', { query: { since, until }, filters: { container: [id] } });
    const actions = ev.text.trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
    assert.deepEqual(actions.filter((a) => ['pause', 'commit', 'unpause'].includes(a)), ['pause', 'commit', 'unpause']);
  });

  it('pause left out is pause=true; the image has the container\'s changes', async () => {
    const id = await started();
    await new Promise((res) => setTimeout(res, 300));
    const r = await commit(id, 'default');
    assert.equal(r.status, 201, r.text);
    assert.equal(await statusOf(id), 'running');
    const check = await t.ok('POST', '/containers/create', {
      query: { name: `${t.run}-check` },
      body: { Image: `${t.run}/default:latest`, Cmd: ['cat', '/made'], Labels: { 'berth.compat': t.run } },
    });
    const cid = (check.body as { Id: string }).Id;
    await t.ok('POST', `/containers/${cid}/start`);
    await t.ok('POST', `/containers/${cid}/wait`);
    const logs = await t.ok('GET', `/containers/${cid}/logs`, { query: { stdout: '1' } });
    assert.match(logs.text, /state/);
  });

  it('a paused container is committed and stays paused', async () => {
    const id = await started();
    await t.ok('POST', `/containers/${id}/pause`);
    const r = await commit(id, 'frozen', { pause: 'true' });
    assert.equal(r.status, 201, r.text);
    assert.equal(await statusOf(id), 'paused');
    await t.ok('POST', `/containers/${id}/unpause`);
  });

  it('a stopped container is committed (pause has nothing to do)', async () => {
    const id = await started();
    await t.ok('POST', `/containers/${id}/kill`);
    const r = await commit(id, 'stopped', { pause: 'true' });
    assert.equal(r.status, 201, r.text);
    assert.equal(await statusOf(id), 'exited');
  });

  it('pause=false commits a running container without pausing it', async () => {
    const id = await started();
    const r = await commit(id, 'nopause', { pause: 'false' });
    assert.equal(r.status, 201, r.text);
    assert.equal(await statusOf(id), 'running');
  });

  it('docker commit (CLI) and docker-py commit() with their default pause', async () => {
    const id = await started();
    const cli = await t.docker(['commit', id, `${t.run}/cli:latest`]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const script = `import docker; c = docker.from_env(version="auto"); print(c.containers.get("${id}").commit(repository="${t.run}/py", tag="latest").id)`;
    const py = await runProcess('/usr/bin/python3', ['-c', script], { env: { ...process.env, DOCKER_HOST: t.host } });
    assert.equal(py.code, 0, py.stderr);
    assert.match(py.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(await statusOf(id), 'running');
  });
});
