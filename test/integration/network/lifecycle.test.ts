// Nothing leaks: many create/start/rm cycles, and a berthd killed with -9 and started again
// (running containers keep their addresses and published ports; the others are released).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { AttachResult } from '../../../src/network/mod.js';
import type { NetworkService } from '../../../src/network/network-service.js';
import { execFileP, inContainer, spawnInNetns, startTestNet, waitFor, type TestNet } from './harness.js';

async function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let data = '';
    sock.setTimeout(3000, () => sock.destroy(new Error('timeout')));
    sock.on('connect', () => sock.write('GET / HTTP/1.0\r\n\r\n'));
    sock.on('data', (b) => (data += b.toString()));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

/** What must be gone once no container runs: only spare sandboxes may hold namespaces, leases, veths. */
async function assertNoLeaks(svc: NetworkService, tag: string): Promise<void> {
  await svc.idle();
  const a = await svc.allocations();
  const spares = a.sandboxes.filter((s) => s.state === 'ready' && s.containerId === null);
  assert.equal(a.sandboxes.length, spares.length, `sandboxes left: ${JSON.stringify(a.sandboxes)}`);
  assert.equal(a.netnsFiles.length, spares.length, 'namespace files');
  assert.equal(a.leases.length, spares.length, `leases: ${JSON.stringify(a.leases)}`);
  assert.deepEqual(a.listeners, []);
  const { stdout } = await execFileP('ip', ['-o', 'link', 'show', 'type', 'veth']);
  const veths = stdout.split('\n').filter((l) => l.includes(`master ${tag}`));
  assert.equal(veths.length, spares.length, `veths: ${veths.join('\n')}`);
}

describe('network lifecycle', () => {
  let t: TestNet;
  let userNet = '';
  before(async () => {
    t = await startTestNet(3, 40);
    userNet = `${t.tag}-u`;
    await t.svc.create({ Name: userNet, IPAM: { Config: [{ Subnet: '10.231.41.0/24' }] } });
  });
  after(async () => {
    await t?.cleanup();
  });

  it('leaves nothing behind after 200 create/start/rm cycles, and never hands out an IP twice', async () => {
    const rulesBefore = (await t.svc.allocations()).rules;
    const live = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const id = `${i.toString(16).padStart(4, '0')}${'c'.repeat(60)}`;
      const onUser = i % 3 === 0;
      const r = await t.svc.attachContainer({
        id,
        name: `cyc${i}`,
        hostname: `cyc${i}`,
        hostConfig: { NetworkMode: onUser ? userNet : 'default', PortBindings: i % 10 === 0 ? { '80/tcp': [{ HostIp: '127.0.0.1' }] } : undefined },
        filesDir: join(t.dir, 'files', 'cyc'),
      });
      const ip = onUser ? r.networkSettings.Networks[userNet]!.IPAddress! : r.networkSettings.IPAddress;
      // Two containers at a time: addresses of live ones are never handed out again.
      assert.ok(![...live.values()].includes(ip), `IP ${ip} handed out twice`);
      live.set(id, ip);
      if (live.size > 1) {
        const [first] = live.keys();
        await t.svc.detachContainer(first!);
        live.delete(first!);
      }
    }
    for (const id of live.keys()) await t.svc.detachContainer(id);
    await assertNoLeaks(t.svc, t.tag);
    assert.deepEqual((await t.svc.allocations()).rules, rulesBefore, 'no per-container iptables rules');
  });

  it('after kill -9 of berthd and a restart: running containers keep address and ports, the rest is released', async () => {
    const www = join(t.dir, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, 'index.html'), 'still here\n');
    await t.svc.close();
    const attach = (name: string, extra: Record<string, unknown>) => ({
      id: `${name}${'d'.repeat(64 - name.length)}`,
      name,
      hostname: name,
      filesDir: join(t.dir, 'files', name),
      ...extra,
    });
    const job = {
      dbPath: join(t.dir, 'berth.db'),
      opts: { ...t.opts, db: undefined },
      running: [],
      attach: [
        attach('keep', { hostConfig: { NetworkMode: userNet, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1' }] } } }),
        attach('dies', { hostConfig: {} }),
        attach('peer', { hostConfig: { NetworkMode: userNet } }),
      ],
    };
    const child = spawn(process.execPath, [new URL('./service-process.js', import.meta.url).pathname, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (b: Buffer) => {
        buf += b.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`service process exited ${code}`)));
    });
    const [keep, dies, peer] = JSON.parse(line) as AttachResult[];
    const srv = spawnInNetns(keep!.netnsPath!, ['busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    const port = Number(keep!.networkSettings.Ports['80/tcp']![0]!.HostPort);
    try {
      await waitFor(async () => (await httpGet('127.0.0.1', port)).includes('still here'));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await assert.rejects(httpGet('127.0.0.1', port), 'the port proxy died with berthd');

      const svc = t.reopen();
      await svc.init();
      await svc.reconcile([job.attach[0]!.id, job.attach[2]!.id]);
      await svc.idle();
      const kept = svc.networkSettings(job.attach[0]!.id)!;
      assert.equal(kept.Networks[userNet]!.IPAddress, keep!.networkSettings.Networks[userNet]!.IPAddress);
      assert.equal(kept.Ports['80/tcp']![0]!.HostPort, String(port));
      assert.match(await httpGet('127.0.0.1', port), /still here/);
      const byName = await inContainer(peer!.netnsPath, peer!.files, ['busybox', 'wget', '-q', '-O', '-', 'http://keep/']);
      assert.equal(byName.stdout, 'still here\n', byName.stderr);
      assert.equal(svc.networkSettings(job.attach[1]!.id), undefined, 'the dead container is released');
      const a = await svc.allocations();
      assert.ok(!a.netnsFiles.includes(dies!.netnsPath!));
      assert.ok(!a.leases.some((l) => l.ip === dies!.networkSettings.IPAddress && a.sandboxes.every((s) => s.id !== l.owner)));

      await srv.kill();
      await svc.detachContainer(job.attach[0]!.id);
      await svc.detachContainer(job.attach[2]!.id);
      await assertNoLeaks(svc, t.tag);
    } finally {
      await srv.kill();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
