// `berth network …`, `system df|prune` and `inspect` print what docker 28's CLI prints against the
// same berthd (same stdout, stderr and exit code, with "docker" read as "berth").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type RunResult, type TestDaemon } from '../../support/test-daemon.js';

describe('network, system and inspect commands match docker', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const both = async (args: string[], input?: string): Promise<{ b: RunResult; k: RunResult }> => {
    const b = await d.berth(args, input !== undefined ? { input } : {});
    const k = await d.docker(args, input !== undefined ? { input } : {});
    return { b, k: { ...k, stdout: k.stdout.replace(/docker/g, 'berth'), stderr: k.stderr.replace(/docker/g, 'berth') } };
  };
  const same = async (args: string[], input?: string): Promise<RunResult> => {
    const { b, k } = await both(args, input);
    assert.deepEqual(b, k, `berth ${args.join(' ')}`);
    return b;
  };

  it('the README example: network create, run --network, rm', async () => {
    const created = await d.berth(['network', 'create', 'app']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
    const run = await d.berth(['run', '--rm', '--net', 'app', 'busybox', 'sh', '-c', 'ip -4 addr show eth0 | grep -c inet']);
    assert.equal(run.stdout, '1\n', run.stderr);
    await same(['network', 'ls']);
    await same(['network', 'ls', '--no-trunc']);
    await same(['network', 'ls', '-q', '--filter', 'name=app']);
    await same(['network', 'ls', '--format', 'json']);
    await same(['network', 'ls', '--format', 'table {{.Name}}\t{{.IPv4}}\t{{.Internal}}\t{{.Labels}}']);
    await same(['network', 'inspect', 'app']);
    await same(['network', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'app', 'bridge']);
    await same(['inspect', '--type', 'network', 'app']);
    await same(['network', 'create', 'app']);
    // rm changes state: berth removes app, it is made again, then docker removes it.
    const rm = await d.berth(['network', 'rm', 'app', 'nope']);
    assert.equal((await d.berth(['network', 'create', 'app'])).code, 0);
    const drm = await d.docker(['network', 'rm', 'app', 'nope']);
    assert.deepEqual(rm, drm);
    assert.deepEqual(rm, { code: 1, stdout: 'app\n', stderr: 'Error response from daemon: network nope not found\nexit status 1\n' });
    await same(['network', 'rm', '-f', 'nope']);
  });

  it('create checks its IPAM flags like docker', async () => {
    await same(['network', 'create', '--subnet', '10.77.0.0/24', '--gateway', '10.78.0.1', 'x']);
    await same(['network', 'create', '--gateway', '10.78.0.1', 'x']);
    await same(['network', 'create', '--subnet', '10.77.0.0/24', '--subnet', '10.77.0.0/16', 'x']);
    await same(['network', 'create']);
    await same(['network', 'connect', 'x']);
  });

  it('create with flags, connect with an alias, disconnect, prune', async () => {
    const r = await d.berth(['network', 'create', '--subnet', '10.179.0.0/24', '--gateway', '10.179.0.1', '--ip-range', '10.179.0.128/25', '--label', 'a=b', '--internal', '--attachable', 'lab']);
    assert.equal(r.code, 0, r.stderr);
    const ipam = await d.docker(['network', 'inspect', '-f', '{{json .IPAM.Config}} {{.Internal}} {{.Attachable}} {{json .Labels}}', 'lab']);
    assert.equal(ipam.stdout, '[{"Subnet":"10.179.0.0/24","IPRange":"10.179.0.128/25","Gateway":"10.179.0.1"}] true true {"a":"b"}\n');
    assert.equal((await d.berth(['run', '-d', '--name', 'c1', 'busybox', 'sleep', '60'])).code, 0);
    const c = await d.berth(['network', 'connect', '--alias', 'web', '--ip', '10.179.0.200', 'lab', 'c1']);
    assert.equal(c.code, 0, c.stderr);
    const ep = await d.docker(['inspect', '-f', '{{json .NetworkSettings.Networks.lab.Aliases}} {{.NetworkSettings.Networks.lab.IPAddress}}', 'c1']);
    assert.match(ep.stdout, /"web".* 10\.179\.0\.200\n$/);
    await same(['network', 'connect', 'lab', 'c1']);
    assert.equal((await d.berth(['network', 'disconnect', '-f', 'lab', 'c1'])).code, 0);
    await same(['network', 'prune'], 'n\n');
    await d.berth(['rm', '-f', 'c1']);
    const pruned = await d.berth(['network', 'prune', '-f']);
    assert.deepEqual(pruned, { code: 0, stdout: 'Deleted Networks:\nlab\n\n', stderr: '' });
  });

  it('inspect looks containers, images, networks and volumes up in docker order', async () => {
    assert.equal((await d.berth(['volume', 'create', 'vol1'])).code, 0);
    await same(['inspect', '-f', '{{.Name}}', 'bridge', 'vol1']);
    await same(['inspect', 'nope']);
    await same(['inspect', '--type', 'volume', 'nope']);
    await same(['inspect', '--type', 'foo', 'x']);
  });

  it('system df in every form, system prune', async () => {
    assert.equal((await d.berth(['create', '--name', 'c2', '-v', 'vv:/data', 'busybox', 'true'])).code, 0);
    await same(['system', 'df']);
    await same(['system', 'df', '--format', 'json']);
    await same(['system', 'df', '--format', '{{.Type}}: {{.Reclaimable}}']);
    const v = await both(['system', 'df', '-v']);
    // "N seconds ago" may tick between the two runs.
    const ago = (s: string): string => s.replace(/\d+ seconds? ago|About a minute ago/g, 'ago');
    assert.equal(ago(v.b.stdout), ago(v.k.stdout));
    await same(['system', 'prune', '--volumes', '--filter', 'label=x'], 'n\n');
    await same(['system', 'prune', '-a'], 'n\n');
    await same(['system', 'prune', '--volumes', '--filter', 'until=1h', '-f']);
    const p = await d.berth(['system', 'prune', '-f']);
    assert.match(p.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n\n(.|\n)*Total reclaimed space: /);
  });

  it('lists every group in help', async () => {
    const r = await d.berth(['--help']);
    for (const g of ['network', 'registry', 'system', 'volume']) assert.match(r.stdout, new RegExp(`^  ${g} `, 'm'));
  });
});
