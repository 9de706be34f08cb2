// Network objects: create/ls/inspect/rm/prune with docker's shapes and errors, and their bridge,
// iptables rules and DNS server coming and going with them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../../../src/errors.js';
import { execFileP, startTestNet, type TestNet } from './harness.js';
import { FilterArgs } from '../../../src/filters/mod.js';

describe('networks', () => {
  let t: TestNet;
  before(async () => {
    t = await startTestNet(1, 20);
  });
  after(async () => {
    await t?.cleanup();
  });

  it('has docker\'s predefined networks', () => {
    const names = t.svc.list().map((n) => n.Name).sort();
    assert.deepEqual(names, ['bridge', 'host', 'none']);
    const bridge = t.svc.inspect('bridge');
    assert.equal(bridge.Driver, 'bridge');
    assert.deepEqual(bridge.IPAM.Config, [{ Subnet: '10.231.20.0/24', Gateway: '10.231.20.1' }]);
    assert.equal(bridge.Options['com.docker.network.bridge.name'], `${t.tag}0`);
    assert.equal(t.svc.inspect('none').Driver, 'null');
    assert.equal(t.svc.inspect('host').Driver, 'host');
  });

  it('creates a user network with its bridge, rules and DNS server', async () => {
    const { Id, Warning } = await t.svc.create({
      Name: `${t.tag}-a`,
      IPAM: { Config: [{ Subnet: '10.231.21.0/24', Gateway: '10.231.21.254', IPRange: '10.231.21.128/25' }] },
      Labels: { team: 'net' },
      Options: { 'com.docker.network.driver.mtu': '1400' },
    });
    assert.match(Id, /^[0-9a-f]{64}$/);
    assert.equal(Warning, '');
    const n = t.svc.inspect(Id.slice(0, 12));
    assert.equal(n.Name, `${t.tag}-a`);
    assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.231.21.0/24', IPRange: '10.231.21.128/25', Gateway: '10.231.21.254' }]);
    assert.deepEqual(n.Labels, { team: 'net' });
    assert.deepEqual(n.Containers, {});
    const bridge = `${t.tag}-${Id.slice(0, 15 - t.tag.length - 1)}`;
    const { stdout } = await execFileP('ip', ['-j', 'addr', 'show', 'dev', bridge]);
    const link = JSON.parse(stdout)[0];
    assert.equal(link.mtu, 1400);
    assert.ok(link.addr_info.some((a: { local: string }) => a.local === '10.231.21.254'));
    const alloc = await t.svc.allocations();
    assert.ok(alloc.rules.some((r) => r.includes(`-s 10.231.21.0/24 ! -o ${bridge} -j MASQUERADE`)));
    assert.ok(alloc.dnsServers.includes(Id));
  });

  it('picks a free subnet from the pools when none is given', async () => {
    const { Id } = await t.svc.create({ Name: `${t.tag}-b`, Internal: true });
    const n = t.svc.inspect(Id);
    assert.equal(n.IPAM.Config[0]!.Subnet, '10.231.22.0/24');
    assert.equal(n.Internal, true);
    const rules = (await t.svc.allocations()).rules;
    assert.ok(!rules.some((r) => r.includes('10.231.22.0/24') && r.includes('MASQUERADE')), 'internal networks have no NAT');
  });

  it('refuses duplicates, overlaps, unknown drivers and bad names like docker', async () => {
    await assert.rejects(t.svc.create({ Name: `${t.tag}-a` }), (e) => e instanceof ConflictError && /already exists/.test(e.message));
    await assert.rejects(
      t.svc.create({ Name: `${t.tag}-c`, IPAM: { Config: [{ Subnet: '10.231.21.128/25' }] } }),
      (e) => e instanceof ForbiddenError && /Pool overlaps/.test(e.message),
    );
    await assert.rejects(t.svc.create({ Name: `${t.tag}-d`, Driver: 'overlay' }), NotFoundError);
    await assert.rejects(t.svc.create({ Name: '' }), InvalidArgumentError);
    await assert.rejects(t.svc.create({ Name: `${t.tag}-e`, IPAM: { Config: [{ Subnet: '10.231.23.0/24', Gateway: '10.231.99.1' }] } }), InvalidArgumentError);
    await assert.rejects(t.svc.create({ Name: 'host' }), ForbiddenError);
  });

  it('lists with docker\'s filters', () => {
    const names = (f: Record<string, string[]>): string[] => t.svc.list(FilterArgs.of(f)).map((n) => n.Name).sort();
    assert.deepEqual(names({ type: ['custom'] }), [`${t.tag}-a`, `${t.tag}-b`]);
    assert.deepEqual(names({ type: ['builtin'] }), ['bridge', 'host', 'none']);
    assert.deepEqual(names({ label: ['team=net'] }), [`${t.tag}-a`]);
    assert.deepEqual(names({ label: ['team'] }), [`${t.tag}-a`]);
    assert.deepEqual(names({ name: [`${t.tag}-b`] }), [`${t.tag}-b`]);
    assert.deepEqual(names({ driver: ['null'] }), ['none']);
    assert.deepEqual(names({ dangling: ['true'] }), [`${t.tag}-a`, `${t.tag}-b`]);
    assert.throws(() => t.svc.list(FilterArgs.of({ bogus: ['x'] })), InvalidArgumentError);
  });

  it('refuses to remove predefined or used networks, removes others with their bridge and rules', async () => {
    await assert.rejects(t.svc.remove('bridge'), (e) => e instanceof ForbiddenError && /pre-defined/.test(e.message));
    const att = await t.svc.attachContainer({
      id: 'f'.repeat(64), name: 'user', hostname: 'user', hostConfig: { NetworkMode: `${t.tag}-a` }, filesDir: `${t.dir}/files/f`,
    });
    assert.ok(att.netnsPath);
    await assert.rejects(t.svc.remove(`${t.tag}-a`), (e) => e instanceof ForbiddenError && /has active endpoints/.test(e.message));
    assert.deepEqual((await t.svc.prune()).NetworksDeleted, [`${t.tag}-b`]);
    await t.svc.detachContainer('f'.repeat(64));
    const id = t.svc.inspect(`${t.tag}-a`).Id;
    await t.svc.remove(`${t.tag}-a`);
    await assert.rejects(async () => t.svc.inspect(`${t.tag}-a`), (e) => e instanceof NotFoundError && e.message === `network ${t.tag}-a not found`);
    const alloc = await t.svc.allocations();
    assert.ok(!alloc.rules.some((r) => r.includes('10.231.21.')));
    assert.ok(!alloc.dnsServers.includes(id));
    assert.deepEqual(alloc.leases.filter((l) => l.network === id), []);
    await assert.rejects(execFileP('ip', ['link', 'show', 'dev', `${t.tag}-${id.slice(0, 15 - t.tag.length - 1)}`]));
  });
});
