// Dual-stack bridge networks as docker clients see them: EnableIPv6 with a v6 subnet, containers'
// IPv6 addresses in inspect (per network and in the network's Containers), a fixed IPv6Address on
// connect, the v6 line of /etc/hosts, AAAA answers by name, the v6 gateway reachable; docker 20.10's
// refusals (EnableIPv6 without a v6 subnet, an address outside the subnet, one in use).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { CompatTarget } from './harness.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

type Endpoint = {
  IPAddress: string; GlobalIPv6Address: string; GlobalIPv6PrefixLen: number; IPv6Gateway: string;
  IPAMConfig: { IPv6Address?: string } | null;
};
type Inspect = { NetworkSettings: { Networks: Record<string, Endpoint> }; Config: { Hostname: string } };
type NetworkInspect = {
  EnableIPv6: boolean; IPAM: { Config: { Subnet: string }[] };
  Containers: Record<string, { IPv6Address: string }>;
};

const hex = (): string => randomInt(0x10000).toString(16);

/** A dual-stack user network of this run: fd00:<pid>:<random>::/64 (unique per test process). */
async function createV6Network(name: string, enable = true): Promise<{ name: string; prefix6: string }> {
  const full = `${t.run}-${name}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix6 = `fd00:${(process.pid % 0x10000).toString(16)}:${hex()}:${hex()}`;
    const r = await t.api('POST', '/networks/create', {
      body: {
        Name: full, Labels: { 'berth.compat': t.run }, EnableIPv6: enable,
        IPAM: { Config: [{ Subnet: `10.${180 + randomInt(20)}.${randomInt(256)}.0/24` }, { Subnet: `${prefix6}::/64` }] },
      },
    });
    if (r.status === 201) return { name: full, prefix6 };
    if (r.status !== 403) throw new Error(`network create: ${r.status} ${r.text}`);
  }
  throw new Error('no free subnet');
}

async function run(name: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-${name}` },
    body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'berth.compat': t.run }, ...body },
  });
  const id = (r.body as { Id: string }).Id;
  await t.ok('POST', `/containers/${id}/start`);
  return id;
}

const inspect = async (id: string): Promise<Inspect> => (await t.ok('GET', `/containers/${id}/json`)).body as Inspect;

async function exec(id: string, cmd: string[]): Promise<string> {
  const r = await t.docker(['exec', id, ...cmd]);
  assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('IPv6 networks', () => {
  it('refuses EnableIPv6 without an IPv6 subnet, as a dockerd without a default IPv6 pool', async () => {
    const r = await t.api('POST', '/networks/create', { body: { Name: `${t.run}-nov6`, EnableIPv6: true, Labels: { 'berth.compat': t.run } } });
    assert.equal(r.status, 404, r.text);
    assert.match(r.text, /could not find an available, non-overlapping IPv6 address pool among the defaults/);
  });

  it('gives containers an IPv6 address, gateway and prefix, shown in inspect and in /etc/hosts', async () => {
    const net = await createV6Network('dual');
    const n = (await t.ok('GET', `/networks/${net.name}`)).body as NetworkInspect;
    assert.equal(n.EnableIPv6, true);
    assert.ok(n.IPAM.Config.some((c) => c.Subnet === `${net.prefix6}::/64`), JSON.stringify(n.IPAM));

    const id = await run('web', { HostConfig: { NetworkMode: net.name } });
    const ep = (await inspect(id)).NetworkSettings.Networks[net.name]!;
    assert.ok(ep.GlobalIPv6Address.startsWith(`${net.prefix6}::`), ep.GlobalIPv6Address);
    assert.equal(ep.GlobalIPv6PrefixLen, 64);
    assert.equal(ep.IPv6Gateway, `${net.prefix6}::1`);
    assert.match(ep.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);

    const members = ((await t.ok('GET', `/networks/${net.name}`)).body as NetworkInspect).Containers;
    assert.equal(members[id]?.IPv6Address, `${ep.GlobalIPv6Address}/64`);

    const hosts = await exec(id, ['cat', '/etc/hosts']);
    assert.match(hosts, new RegExp(`^${ep.GlobalIPv6Address}\\s+${(await inspect(id)).Config.Hostname}`, 'm'));
    const addr = await exec(id, ['ip', '-6', 'addr', 'show', 'eth0']);
    assert.ok(addr.includes(`${ep.GlobalIPv6Address}/64`), addr);
    await exec(id, ['ping6', '-c1', '-W3', `${net.prefix6}::1`]);
  });

  it('connects a running container with a fixed IPv6Address; refuses one outside the subnet or in use', async () => {
    const net = await createV6Network('fixed');
    const id = await run('fixed');
    const wanted = `${net.prefix6}::99`;
    await t.ok('POST', `/networks/${net.name}/connect`, { body: { Container: id, EndpointConfig: { IPAMConfig: { IPv6Address: wanted } } } });
    const ep = (await inspect(id)).NetworkSettings.Networks[net.name]!;
    assert.equal(ep.GlobalIPv6Address, wanted);
    assert.equal(ep.IPAMConfig?.IPv6Address, wanted);

    const other = await run('other');
    const taken = await t.api('POST', `/networks/${net.name}/connect`, { body: { Container: other, EndpointConfig: { IPAMConfig: { IPv6Address: wanted } } } });
    assert.equal(taken.status, 403, taken.text);
    assert.match(taken.text, /Address already in use/);
    const outside = await t.api('POST', `/networks/${net.name}/connect`, { body: { Container: other, EndpointConfig: { IPAMConfig: { IPv6Address: 'fd00:ffff::5' } } } });
    assert.ok(outside.status >= 400, outside.text);
    assert.match(outside.text, /Invalid address fd00:ffff::5: It does not belong to any of this network's subnets/);
  });

  it('resolves a container\'s name to its IPv6 address (AAAA)', async () => {
    const net = await createV6Network('dns');
    const server = await run('srv', { HostConfig: { NetworkMode: net.name } });
    const v6 = (await inspect(server)).NetworkSettings.Networks[net.name]!.GlobalIPv6Address;
    const client = await run('cli', { HostConfig: { NetworkMode: net.name } });
    const out = await exec(client, ['nslookup', '-type=AAAA', `${t.run}-srv`]);
    assert.ok(out.includes(v6), out);
    await exec(client, ['ping6', '-c1', '-W3', v6]);
  });

  it('records a v6 subnet of a network without EnableIPv6 but gives containers no IPv6 address', async () => {
    const net = await createV6Network('v4only', false);
    const n = (await t.ok('GET', `/networks/${net.name}`)).body as NetworkInspect;
    assert.equal(n.EnableIPv6, false);
    assert.ok(n.IPAM.Config.some((c) => c.Subnet === `${net.prefix6}::/64`));
    const id = await run('v4', { HostConfig: { NetworkMode: net.name } });
    assert.equal((await inspect(id)).NetworkSettings.Networks[net.name]!.GlobalIPv6Address, '');
  });
});
