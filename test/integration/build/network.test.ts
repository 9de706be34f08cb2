// RUN steps' networks, as docker's classic builder gives them: the default bridge unless
// `docker build --network` (host, none, a user network) or `RUN --network=` says otherwise.
// Checked from what each step saw, written into the image.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dockerBuild, runIn } from './harness.js';

describe('build: RUN networks', () => {
  let d: TestDaemon;
  let ctx: string;
  let server: Server;
  let gateway: string;
  let port: number;
  before(async () => {
    d = await startTestDaemon();
    ctx = mkdtempSync('/tmp/berth-build-net-');
    const net = JSON.parse((await d.docker(['network', 'inspect', 'bridge'])).stdout)[0];
    gateway = net.IPAM.Config[0].Gateway;
    // A server on the host, reached from a RUN step through the bridge's gateway address.
    server = createServer((_req, res) => res.end('from the host\n'));
    await new Promise<void>((r) => server.listen(0, gateway, r));
    port = (server.address() as { port: number }).port;
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        'FROM busybox',
        'ARG GW PORT',
        'RUN ls /sys/class/net | tr "\\n" " " > /net-default; ip -4 addr show eth0 2>/dev/null | grep -o "inet [0-9.]*" > /ip-default; true',
        'RUN if [ -n "$GW" ]; then wget -q -O /fetched "http://$GW:$PORT/"; fi',
        'RUN --network=none ls /sys/class/net | tr "\\n" " " > /net-none',
        'RUN --network=host ls /sys/class/net | tr "\\n" " " > /net-host',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    server?.close();
    rmSync(ctx, { recursive: true, force: true });
    await d?.stop();
  });

  const subnetPrefix = (gw: string): string => gw.split('.').slice(0, 3).join('.') + '.';

  it('RUN is on the default bridge by default, and reaches the host through it', async () => {
    const b = await dockerBuild(d, ['-t', 'net:default', '--build-arg', `GW=${gateway}`, '--build-arg', `PORT=${port}`, ctx]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const read = async (file: string): Promise<string> => (await runIn(d, 'net:default', `cat ${file}`)).trim();
    const [netDefault, ip, fetched, netNone, netHost] = await Promise.all(['/net-default', '/ip-default', '/fetched', '/net-none', '/net-host'].map(read));
    assert.match(netDefault!, /\beth0\b/);
    assert.ok(ip!.startsWith(`inet ${subnetPrefix(gateway)}`), ip);
    assert.equal(fetched, 'from the host');
    assert.equal(netNone!.trim(), 'lo');
    assert.ok(netHost!.split(' ').includes(d.bridge), `host interfaces: ${netHost}`);
    // The step's network is gone with it.
    const bridge = JSON.parse((await d.docker(['network', 'inspect', 'bridge'])).stdout)[0];
    assert.deepEqual(Object.keys(bridge.Containers ?? {}), []);
  });

  it('docker build --network none|host|<user network>', async () => {
    const none = await dockerBuild(d, ['-t', 'net:none', '--network', 'none', ctx]);
    assert.equal(none.code, 0, none.stdout + none.stderr);
    assert.equal((await runIn(d, 'net:none', 'cat /net-default')).trim(), 'lo');

    const host = await dockerBuild(d, ['-t', 'net:host', '--network', 'host', ctx]);
    assert.equal(host.code, 0, host.stdout + host.stderr);
    assert.ok((await runIn(d, 'net:host', 'cat /net-default')).split(' ').includes(d.bridge));

    const created = await d.docker(['network', 'create', 'buildnet']);
    assert.equal(created.code, 0, created.stderr);
    const userGw: string = JSON.parse((await d.docker(['network', 'inspect', 'buildnet'])).stdout)[0].IPAM.Config[0].Gateway;
    const user = await dockerBuild(d, ['-t', 'net:user', '--network', 'buildnet', ctx]);
    assert.equal(user.code, 0, user.stdout + user.stderr);
    assert.ok((await runIn(d, 'net:user', 'cat /ip-default')).startsWith(`inet ${subnetPrefix(userGw)}`));

    const missing = await dockerBuild(d, ['--network', 'no-such-net', ctx]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /no-such-net/);
  });
});
