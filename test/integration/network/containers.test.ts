// Containers on berth's networks, with real namespaces, CNI plugins, iptables and busybox: names and
// aliases on a user network, isolation between networks, published ports (and the host firewall
// still applying to them), NAT to "the outside", and the host/none/container modes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { PortAllocatedError, type AttachResult } from '../../../src/network/mod.js';
import { execFileP, inContainer, spawnInNetns, startTestNet, waitFor, type TestNet } from './harness.js';

async function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let data = '';
    sock.setTimeout(3000, () => sock.destroy(new Error('timeout')));
    sock.on('connect', () => sock.write(`GET / HTTP/1.0\r\nHost: x\r\n\r\n`));
    sock.on('data', (b) => (data += b.toString()));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('containers on networks', () => {
  let t: TestNet;
  const kills: (() => Promise<void>)[] = [];
  const cleanupCmds: string[][] = [];
  const ids: string[] = [];
  let seq = 0;
  let netA = '';
  let netB = '';
  let www = '';

  const attach = async (name: string, hostConfig: Record<string, unknown>, more: Record<string, unknown> = {}): Promise<AttachResult> => {
    const id = `${(++seq).toString(16).padStart(2, '0')}${'e'.repeat(62)}`;
    ids.push(id);
    return t.svc.attachContainer({ id, name, hostname: name, hostConfig, filesDir: join(t.dir, 'files', name), ...more });
  };

  before(async () => {
    t = await startTestNet(2, 30);
    netA = `${t.tag}-a`;
    netB = `${t.tag}-b`;
    await t.svc.create({ Name: netA, IPAM: { Config: [{ Subnet: '10.231.31.0/24' }] } });
    await t.svc.create({ Name: netB, IPAM: { Config: [{ Subnet: '10.231.32.0/24' }] } });
    www = join(t.dir, 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'index.html'), 'hello from berth\n');
  });
  after(async () => {
    for (const k of kills) await k();
    for (const c of cleanupCmds.reverse()) await execFileP(c[0]!, c.slice(1)).catch(() => undefined);
    await t?.cleanup();
  });

  it('lets two containers on a user network reach each other by name and alias, and not a third on another network', async () => {
    const web = await attach('web', { NetworkMode: netA }, { endpointsConfig: { [netA]: { Aliases: ['frontend', 'svc'] } } });
    const client = await attach('client', { NetworkMode: netA });
    const other = await attach('other', { NetworkMode: netB });
    const srv = spawnInNetns(web.netnsPath!, ['busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    kills.push(srv.kill);

    assert.match(readFileSync(client.files.resolvConf, 'utf8'), /^nameserver 10\.231\.31\.1$/m);
    for (const name of ['web', 'frontend', 'svc', `web.${netA}`]) {
      const r = await inContainer(client.netnsPath, client.files, ['busybox', 'ping', '-c1', '-W2', name]);
      assert.equal(r.code, 0, `ping ${name}: ${r.stdout}${r.stderr}`);
    }
    const got = await waitFor(async () => {
      const r = await inContainer(client.netnsPath, client.files, ['busybox', 'wget', '-q', '-O', '-', 'http://frontend/']);
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.equal(got, 'hello from berth\n');

    const byName = await inContainer(other.netnsPath, other.files, ['busybox', 'ping', '-c1', '-W1', 'web']);
    assert.notEqual(byName.code, 0, 'a container of another network does not resolve the name');
    const webIp = web.networkSettings.Networks[netA]!.IPAddress!;
    const byIp = await inContainer(other.netnsPath, other.files, ['busybox', 'ping', '-c1', '-W1', webIp]);
    assert.notEqual(byIp.code, 0, 'nor reach the address');

    const ins = t.svc.inspect(netA);
    assert.equal(Object.keys(ins.Containers).length, 2);
    const entry = Object.values(ins.Containers).find((c) => c.Name === 'web')!;
    assert.equal(entry.IPv4Address, `${webIp}/24`);
    assert.match(entry.MacAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(web.networkSettings.Networks[netA]!.Aliases, ['frontend', 'svc']);
    assert.equal(web.networkSettings.IPAddress, '', 'top-level fields are for the default bridge only');
  });

  it('connects and disconnects a running container', async () => {
    const other = (await t.svc.allocations()).sandboxes.find((s) => s.containerName === 'other')!;
    await t.svc.connect(netA, other.containerId!, { Aliases: ['late'], IPAMConfig: { IPv4Address: '10.231.31.200' } });
    const files = { hosts: join(t.dir, 'files', 'other', 'hosts'), resolvConf: join(t.dir, 'files', 'client', 'resolv.conf') };
    const r = await inContainer(other.netnsPath!, files, ['busybox', 'ping', '-c1', '-W2', 'web']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = t.svc.networkSettings(other.containerId!)!;
    assert.equal(s.Networks[netA]!.IPAddress, '10.231.31.200');
    const client = (await t.svc.allocations()).sandboxes.find((x) => x.containerName === 'client')!;
    const back = await inContainer(client.netnsPath!, { hosts: files.hosts, resolvConf: files.resolvConf }, ['busybox', 'nslookup', 'late', '10.231.31.1']);
    assert.match(back.stdout, /10\.231\.31\.200/);
    await assert.rejects(t.svc.connect(netA, other.containerId!), /already exists in network/);
    await t.svc.disconnect(netA, other.containerId!);
    assert.equal(t.svc.networkSettings(other.containerId!)!.Networks[netA], undefined);
    const gone = await inContainer(client.netnsPath!, { hosts: files.hosts, resolvConf: files.resolvConf }, ['busybox', 'ping', '-c1', '-W1', '10.231.31.200']);
    assert.notEqual(gone.code, 0);
  });

  it('publishes a port on 127.0.0.1 and refuses the same port twice', async () => {
    const port = await freePort();
    const srvc = await attach('pub', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } }, { exposedPorts: { '80/tcp': {}, '53/udp': {} } });
    const srv = spawnInNetns(srvc.netnsPath!, ['busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    kills.push(srv.kill);
    const body = await waitFor(async () => {
      const r = await httpGet('127.0.0.1', port);
      return r.includes('200 OK') ? r : undefined;
    });
    assert.match(body, /hello from berth/);
    assert.deepEqual(srvc.networkSettings.Ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }], '53/udp': null });
    assert.deepEqual(t.svc.portsOf(ids.at(-1)!).sort((a, b) => a.PrivatePort - b.PrivatePort), [
      { PrivatePort: 53, Type: 'udp' },
      { IP: '127.0.0.1', PrivatePort: 80, PublicPort: port, Type: 'tcp' },
    ]);
    await assert.rejects(
      attach('pub2', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } }),
      (e) => e instanceof PortAllocatedError && e.message.includes(`Bind for 127.0.0.1:${port} failed: port is already allocated`),
    );
    await assert.rejects(
      attach('pub3', { PortBindings: { '80/tcp': [{ HostPort: String(port) }] } }),
      (e) => e instanceof PortAllocatedError && /port is already allocated/.test(e.message),
    );
    // A port a host process holds is refused with docker's userland-proxy message; nothing leaks.
    const hostSrv = net.createServer();
    await new Promise<void>((r) => hostSrv.listen(0, '127.0.0.1', () => r()));
    const taken = (hostSrv.address() as net.AddressInfo).port;
    const before = (await t.svc.allocations()).sandboxes.length;
    await assert.rejects(
      attach('pub4', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(taken) }] } }),
      (e) => e instanceof PortAllocatedError && /address already in use/.test(e.message),
    );
    hostSrv.close();
    await t.svc.idle();
    assert.ok((await t.svc.allocations()).sandboxes.length <= before + 1);
  });

  it('gives a random host port, also reachable from another container through the host address', async () => {
    const srvc = await attach('rnd', { PublishAllPorts: true }, { exposedPorts: { '80/tcp': {} } });
    const srv = spawnInNetns(srvc.netnsPath!, ['busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    kills.push(srv.kill);
    const port = Number(srvc.networkSettings.Ports['80/tcp']![0]!.HostPort);
    assert.ok(port > 0);
    await waitFor(async () => (await httpGet('127.0.0.1', port)).includes('200 OK'));
    const client = await attach('rndclient', {});
    const gw = client.networkSettings.Gateway;
    const r = await inContainer(client.netnsPath, client.files, ['busybox', 'wget', '-q', '-O', '-', `http://${gw}:${port}/`]);
    assert.equal(r.stdout, 'hello from berth\n', r.stderr);
  });

  it('keeps the host INPUT rules in force for published ports', async () => {
    const port = await freePort();
    const srvc = await attach('fw', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } });
    const srv = spawnInNetns(srvc.netnsPath!, ['busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    kills.push(srv.kill);
    await waitFor(async () => (await httpGet('127.0.0.1', port)).includes('200 OK'));
    const rule = ['-p', 'tcp', '-d', '127.0.0.1', '--dport', String(port), '-j', 'REJECT', '--reject-with', 'tcp-reset'];
    await execFileP('iptables', ['-w', '-A', 'INPUT', ...rule]);
    cleanupCmds.push(['iptables', '-w', '-D', 'INPUT', ...rule]);
    await assert.rejects(httpGet('127.0.0.1', port), /ECONNREFUSED|ECONNRESET/);
    await execFileP('iptables', ['-w', '-D', 'INPUT', ...rule]);
    cleanupCmds.pop();
    assert.match(await httpGet('127.0.0.1', port), /200 OK/);
  });

  it('reaches a server outside (another namespace) through NAT', async () => {
    const ns = `${t.tag}out`;
    const hostIf = `${t.tag}h`;
    await execFileP('ip', ['netns', 'add', ns]);
    cleanupCmds.push(['ip', 'netns', 'del', ns]);
    await execFileP('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    cleanupCmds.push(['ip', 'link', 'del', hostIf]);
    await execFileP('ip', ['addr', 'add', '10.231.39.1/24', 'dev', hostIf]);
    await execFileP('ip', ['link', 'set', hostIf, 'up']);
    await execFileP('ip', ['-n', ns, 'addr', 'add', '10.231.39.2/24', 'dev', 'eth0']);
    await execFileP('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    await execFileP('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const outside = join(t.dir, 'outside');
    mkdirSync(outside);
    // The outside's CGI shows who connected: the host's address, as the container was masqueraded.
    mkdirSync(join(outside, 'cgi-bin'));
    writeFileSync(join(outside, 'cgi-bin', 'who'), '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n', { mode: 0o755 });
    const srv = spawnInNetns(`/run/netns/${ns}`, ['busybox', 'httpd', '-f', '-p', '8080', '-h', outside]);
    kills.push(srv.kill);
    const c = await attach('natc', {});
    const r = await waitFor(async () => {
      const x = await inContainer(c.netnsPath, c.files, ['busybox', 'wget', '-q', '-O', '-', 'http://10.231.39.2:8080/cgi-bin/who']);
      return x.code === 0 ? x.stdout : undefined;
    });
    assert.equal(r.trim().replace(/^\[(::ffff:)?(.*)\]$/, '$2'), '10.231.39.1');
  });

  it('--network none has only lo, host has no namespace, container: shares one', async () => {
    const none = await attach('none1', { NetworkMode: 'none' });
    const { stdout } = await execFileP('nsenter', [`--net=${none.netnsPath}`, 'ip', '-o', 'link']);
    assert.deepEqual(stdout.trim().split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
    assert.equal(none.mode, 'none');
    assert.deepEqual(Object.keys(none.networkSettings.Networks), ['none']);

    const host = await attach('host1', { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '1' }] } });
    assert.equal(host.netnsPath, undefined);
    assert.equal(host.mode, 'host');
    assert.deepEqual(Object.keys(host.networkSettings.Networks), ['host']);
    assert.equal(readFileSync(host.files.resolvConf, 'utf8'), readFileSync('/etc/resolv.conf', 'utf8'));

    const web = (await t.svc.allocations()).sandboxes.find((s) => s.containerName === 'web')!;
    const shared = await attach('side', { NetworkMode: 'container:web' });
    assert.equal(shared.mode, 'container');
    assert.equal(shared.netnsPath, web.netnsPath);
    assert.equal(shared.containerNetnsOf, web.containerId);
    assert.equal(shared.files.hosts, join(t.dir, 'files', 'web', 'hosts'));
    await assert.rejects(attach('side2', { NetworkMode: 'container:nosuch' }), /non running container/);
    const ins = t.svc.inspect('host');
    assert.ok(Object.values(ins.Containers).some((c) => c.Name === 'host1'));
  });

  it('writes hosts, resolv.conf and hostname like docker', async () => {
    const c = await attach('files1', {
      ExtraHosts: ['db:10.1.2.3', 'gw:host-gateway'],
      Dns: ['10.231.38.53'],
      DnsSearch: ['example.test'],
      DnsOptions: ['ndots:2'],
    }, { domainname: 'corp.test' });
    const hosts = readFileSync(c.files.hosts, 'utf8');
    assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
    assert.match(hosts, /^10\.1\.2\.3\tdb$/m);
    assert.match(hosts, /^10\.231\.30\.1\tgw$/m);
    assert.match(hosts, new RegExp(`^${c.networkSettings.IPAddress.replace(/\./g, '\\.')}\\tfiles1\\.corp\\.test files1$`, 'm'));
    assert.equal(readFileSync(c.files.resolvConf, 'utf8'), 'search example.test\nnameserver 10.231.38.53\noptions ndots:2\n');
    assert.equal(readFileSync(c.files.hostname, 'utf8'), 'files1\n');
    // Default bridge without --dns: the host's resolvers minus loopback ones.
    const d = await attach('files2', {});
    const rc = readFileSync(d.files.resolvConf, 'utf8');
    assert.doesNotMatch(rc, /nameserver 127\./);
    assert.match(rc, /nameserver /);
  });

  it('releases everything when the containers go', async () => {
    for (const k of kills.splice(0)) await k();
    for (const id of ids) await t.svc.detachContainer(id);
    await t.svc.idle();
    const a = await t.svc.allocations();
    assert.deepEqual(a.sandboxes.filter((s) => s.state !== 'ready'), []);
    assert.deepEqual(a.listeners, []);
    // Only the spare sandbox of the default bridge holds a lease and a namespace.
    assert.equal(a.netnsFiles.length, a.sandboxes.length);
    assert.equal(a.leases.length, a.sandboxes.length);
    const { stdout } = await execFileP('ip', ['-o', 'link', 'show', 'type', 'veth']);
    const spareVeths = stdout.split('\n').filter((l) => l.includes(`master ${t.tag}`));
    assert.equal(spareVeths.length, a.sandboxes.length);
  });
});
