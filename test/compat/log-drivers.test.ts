// HostConfig.LogConfig as docker reports and checks it: json-file by default, local and none
// served, unknown drivers and options refused at create, `logs` of a `none` container refused;
// docker-py's containers.run() returns the output (it reads logs only for json-file/journald).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget, messageOf, type ApiResponse } from './harness.js';
import { runProcess } from '../support/test-daemon.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

let n = 0;
function create(cmd: string[], logConfig?: unknown): Promise<ApiResponse> {
  return t.api('POST', '/containers/create', {
    query: { name: `${t.run}-log${n++}` },
    body: { Image: 'busybox:latest', Cmd: cmd, Labels: { 'berth.compat': t.run }, HostConfig: logConfig === undefined ? {} : { LogConfig: logConfig } },
  });
}

async function createOk(cmd: string[], logConfig?: unknown): Promise<string> {
  const r = await create(cmd, logConfig);
  assert.equal(r.status, 201, r.text);
  return (r.body as { Id: string }).Id;
}

async function logConfigOf(id: string): Promise<{ Type: string; Config: Record<string, string> }> {
  const c = (await t.ok('GET', `/containers/${id}/json`)).body as { HostConfig: { LogConfig: { Type: string; Config: Record<string, string> } } };
  return c.HostConfig.LogConfig;
}

async function runToEnd(id: string): Promise<void> {
  await t.ok('POST', `/containers/${id}/start`);
  await t.ok('POST', `/containers/${id}/wait`);
}

describe('log drivers', () => {
  it('json-file is the default, in a container and in /info', async () => {
    const id = await createOk(['true']);
    assert.deepEqual(await logConfigOf(id), { Type: 'json-file', Config: {} });
    const empty = await createOk(['true'], { Type: '', Config: { 'max-size': '1m' } });
    assert.deepEqual(await logConfigOf(empty), { Type: 'json-file', Config: { 'max-size': '1m' } });
    const info = (await t.ok('GET', '/info')).body as { LoggingDriver: string; Plugins: { Log: string[] } };
    assert.equal(info.LoggingDriver, 'json-file');
    assert.ok(info.Plugins.Log.includes('json-file') && info.Plugins.Log.includes('local'), JSON.stringify(info.Plugins));
  });

  it('json-file with max-size and max-file runs and keeps its output', async () => {
    const id = await createOk(['echo', 'kept'], { Type: 'json-file', Config: { 'max-size': '10k', 'max-file': '2' } });
    await runToEnd(id);
    const logs = await t.ok('GET', `/containers/${id}/logs`, { query: { stdout: '1' } });
    assert.match(logs.text, /kept/);
  });

  it('local is served, output readable', async () => {
    const id = await createOk(['echo', 'local output'], { Type: 'local', Config: { 'max-size': '1m', 'max-file': '3' } });
    assert.equal((await logConfigOf(id)).Type, 'local');
    await runToEnd(id);
    const logs = await t.ok('GET', `/containers/${id}/logs`, { query: { stdout: '1' } });
    assert.match(logs.text, /local output/);
  });

  it('none runs, and logs answer 501: the driver does not support reading', async () => {
    const id = await createOk(['echo', 'gone'], { Type: 'none' });
    assert.equal((await logConfigOf(id)).Type, 'none');
    await runToEnd(id);
    const logs = await t.api('GET', `/containers/${id}/logs`, { query: { stdout: '1' } });
    assert.equal(logs.status, 501, logs.text);
    assert.equal(messageOf(logs), 'configured logging driver does not support reading');
  });

  it('an unknown driver is refused at create', async () => {
    const r = await create(['true'], { Type: 'nosuchdriver' });
    assert.equal(r.status, 400, r.text);
    assert.equal(messageOf(r), 'error looking up logging plugin nosuchdriver: plugin "nosuchdriver" not found');
  });

  it('options a driver does not take are refused at create', async () => {
    const json = await create(['true'], { Type: 'json-file', Config: { nosuch: 'x' } });
    assert.equal(json.status, 400, json.text);
    assert.equal(messageOf(json), "unknown log opt 'nosuch' for json-file log driver");
    const local = await create(['true'], { Type: 'local', Config: { labels: 'a' } });
    assert.equal(local.status, 400, local.text);
    assert.equal(messageOf(local), "unknown log opt 'labels' for log driver local");
    const mode = await create(['true'], { Type: 'json-file', Config: { mode: 'sometimes' } });
    assert.equal(mode.status, 400, mode.text);
    assert.equal(messageOf(mode), 'logger: logging mode not supported: sometimes');
  });

  it('a bad max-size is refused, at create or at start', async () => {
    const r = await create(['true'], { Type: 'json-file', Config: { 'max-size': 'lots' } });
    if (r.status >= 400) {
      assert.match(messageOf(r), /invalid size: 'lots'/);
      return;
    }
    const id = (r.body as { Id: string }).Id;
    const start = await t.api('POST', `/containers/${id}/start`);
    assert.ok(start.status >= 400, start.text);
    assert.match(messageOf(start), /^failed to initialize logging driver: invalid size: 'lots'/);
    const state = ((await t.ok('GET', `/containers/${id}/json`)).body as { State: { Status: string } }).State;
    assert.equal(state.Status, 'created');
  });

  it('docker logs of a none container fails with docker\'s message (CLI)', async () => {
    const id = await createOk(['echo', 'x'], { Type: 'none' });
    await runToEnd(id);
    const r = await t.docker(['logs', id]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configured logging driver does not support reading/);
  });

  it('docker-py: containers.run() returns the output', async () => {
    const script = [
      'import docker, sys',
      'c = docker.from_env(version="auto")',
      `out = c.containers.run("busybox:latest", ["echo", "hello from run"], name="${t.run}-dockerpy", labels={"berth.compat": "${t.run}"})`,
      'sys.stdout.write(repr(out))',
    ].join('\n');
    const r = await runProcess('/usr/bin/python3', ['-c', script], { env: { ...process.env, DOCKER_HOST: t.host } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "b'hello from run\\n'");
  });
});
