// docker-compose 1.29 (Debian's, through docker-py) runs a two-service project as it does on
// dockerd: a web server and a client reaching it by service name over a named network, sharing
// a named volume, with depends_on, labels and environment; through up -d, ps, logs, exec -T,
// run --rm, restart and down -v. Skipped where docker-compose is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, type RunResult } from '../support/test-daemon.js';
import { CompatTarget } from './harness.js';

const COMPOSE = '/usr/bin/docker-compose';

function project(label: string): string {
  return `version: "3.7"
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "mkdir -p /www && echo \\"hello from $$ROLE\\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
    networks: [appnet]
    volumes: ["data:/data"]
    labels: {berth.compat: ${label}}
    environment: {ROLE: web}
    stop_grace_period: 2s
  client:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do wget -q -O - http://web:8080/ && touch /data/seen; sleep 1; done"]
    depends_on: [web]
    networks: [appnet]
    volumes: ["data:/data"]
    labels: {berth.compat: ${label}}
    environment: {ROLE: client}
networks:
  appnet:
    labels: {berth.compat: ${label}}
volumes:
  data:
    labels: {berth.compat: ${label}}
`;
}

/** `ps` rows as name → state, after checking docker-compose's header and rule. */
function psRows(out: string): Map<string, string> {
  const lines = out.split('\n').filter((l) => l.trim());
  assert.match(lines[0] ?? '', /^\s*Name\s+Command\s+State\s+Ports\s*$/, out);
  assert.match(lines[1] ?? '', /^-+$/, out);
  return new Map(lines.slice(2).map((l) => {
    const name = l.trim().split(/\s+/)[0]!;
    return [name, /\s(Up|Exit \d+|Restarting)\s/.exec(`${l} `)?.[1] ?? l];
  }));
}

describe('compat: docker-compose 1.29', { skip: existsSync(COMPOSE) ? false : 'docker-compose is not installed' }, () => {
  let t: CompatTarget;
  let dir: string;
  let p: string;
  const compose = (args: string[], timeoutMs = 120_000): Promise<RunResult> =>
    runProcess(COMPOSE, ['-p', p, '-f', join(dir, 'docker-compose.yml'), ...args], { timeoutMs, env: { ...process.env, DOCKER_HOST: t.host, COMPOSE_INTERACTIVE_NO_CLI: '1' } });
  const ok = async (args: string[]): Promise<RunResult> => {
    const r = await compose(args);
    assert.equal(r.code, 0, `docker-compose ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r;
  };
  const startedAt = async (service: string): Promise<string> => {
    const r = await t.ok('GET', `/containers/${p}_${service}_1/json`);
    return (r.body as { State: { StartedAt: string } }).State.StartedAt;
  };

  before(async () => {
    t = await CompatTarget.open();
    p = t.run;
    dir = mkdtempSync('/tmp/berth-compat-compose-');
    writeFileSync(join(dir, 'docker-compose.yml'), project(t.run));
  });
  after(async () => {
    if (t) await compose(['down', '-v', '--remove-orphans']).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('up -d creates the network, the volume and both services, running', async () => {
    const r = await ok(['up', '-d']);
    assert.match(r.stderr, new RegExp(`Creating network "${p}_appnet" with the default driver`));
    assert.match(r.stderr, new RegExp(`Creating volume "${p}_data" with default driver`));
    assert.match(r.stderr, new RegExp(`Creating ${p}_web_1 \\.\\.\\. done`));
    assert.match(r.stderr, new RegExp(`Creating ${p}_client_1 \\.\\.\\. done`));
    const net = await t.ok('GET', `/networks/${p}_appnet`);
    assert.equal((net.body as { Labels: Record<string, string> }).Labels['com.docker.compose.network'], 'appnet');
    const vol = await t.ok('GET', `/volumes/${p}_data`);
    assert.equal((vol.body as { Labels: Record<string, string> }).Labels['com.docker.compose.volume'], 'data');
  });

  it('ps lists both services, Up', async () => {
    const rows = psRows((await ok(['ps'])).stdout);
    assert.deepEqual([...rows.entries()].sort(), [[`${p}_client_1`, 'Up'], [`${p}_web_1`, 'Up']]);
  });

  it('logs: the client reached the web service by name', async () => {
    let out = '';
    for (let i = 0; i < 60 && !/hello from web/.test(out); i++) {
      if (i) await new Promise((r) => setTimeout(r, 500));
      out = (await ok(['logs', '--no-color', 'client'])).stdout;
    }
    assert.match(out, /^client_1\s+\| hello from web$/m, out);
  });

  it('exec -T runs in the service with its environment', async () => {
    const wget = await ok(['exec', '-T', 'client', 'wget', '-q', '-O', '-', 'http://web:8080/']);
    assert.equal(wget.stdout, 'hello from web\n');
    const env = await ok(['exec', '-T', 'web', 'sh', '-c', 'echo $ROLE; ls /data']);
    assert.equal(env.stdout, 'web\nseen\n');
    const fails = await compose(['exec', '-T', 'web', 'sh', '-c', 'exit 4']);
    assert.equal(fails.code, 4);
  });

  it('run --rm: a one-off container on the network, its exit code, then gone', async () => {
    const r = await ok(['run', '--rm', '-T', 'client', 'wget', '-q', '-O', '-', 'http://web:8080/']);
    assert.equal(r.stdout, 'hello from web\n');
    const fails = await compose(['run', '--rm', '-T', 'client', 'sh', '-c', 'exit 3']);
    assert.equal(fails.code, 3);
    const left = await t.ok('GET', '/containers/json', { query: { all: '1' }, filters: { label: [`com.docker.compose.project=${p}`, 'com.docker.compose.oneoff=True'] } });
    assert.deepEqual(left.body, []);
  });

  it('restart starts both services again', async () => {
    const before = [await startedAt('web'), await startedAt('client')];
    const r = await ok(['restart']);
    assert.match(r.stderr, new RegExp(`Restarting ${p}_web_1\\s+\\.\\.\\. done`));
    const now = [await startedAt('web'), await startedAt('client')];
    assert.notEqual(now[0], before[0]);
    assert.notEqual(now[1], before[1]);
    const rows = psRows((await ok(['ps'])).stdout);
    assert.deepEqual([...rows.values()], ['Up', 'Up']);
  });

  it('down -v removes the containers, the network and the volume', async () => {
    const r = await ok(['down', '-v']);
    assert.match(r.stderr, new RegExp(`Removing network ${p}_appnet`));
    assert.match(r.stderr, new RegExp(`Removing volume ${p}_data`));
    const left = await t.ok('GET', '/containers/json', { query: { all: '1' }, filters: { label: [`com.docker.compose.project=${p}`] } });
    assert.deepEqual(left.body, []);
    assert.equal((await t.api('GET', `/networks/${p}_appnet`)).status, 404);
    assert.equal((await t.api('GET', `/volumes/${p}_data`)).status, 404);
  });
});
