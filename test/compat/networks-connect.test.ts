// network connect/disconnect as docker clients use them: a created container's networks changed
// before its start (docker-compose's way), a running one's with a fixed address, aliases and a MAC,
// its /etc/hosts following; docker's refusals; names docker accepts; inspect's empty objects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { CompatTarget } from './harness.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

type Endpoint = { IPAddress: string; MacAddress: string; Aliases: string[] | null; IPAMConfig: { IPv4Address?: string } | null };
type Inspect = { State: { Running: boolean }; NetworkSettings: { Networks: Record<string, Endpoint> }; Config: { Hostname: string } };

const inspect = async (id: string): Promise<Inspect> => (await t.ok('GET', `/containers/${id}/json`)).body as Inspect;

/** A user network of this run; with `subnet`, a /24 of 10.150-179.x.0 that nothing on the host uses. */
async function createNetwork(
  name: string,
  o: { subnet?: boolean; body?: (prefix: string) => Record<string, unknown> } = {},
): Promise<{ name: string; prefix?: string }> {
  const full = `${t.run}-${name}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const prefix = `10.${150 + randomInt(30)}.${randomInt(256)}`;
    const ipam = o.subnet ? { IPAM: { Config: [{ Subnet: `${prefix}.0/24` }] } } : {};
    const r = await t.api('POST', '/networks/create', { body: { Name: full, Labels: { 'berth.compat': t.run }, ...ipam, ...(o.body?.(prefix) ?? {}) } });
    if (r.status === 201) return { name: full, ...(o.subnet ? { prefix } : {}) };
    if (!(o.subnet && r.status === 403)) throw new Error(`network create: ${r.status} ${r.text}`);
  }
  throw new Error('no free subnet');
}

async function create(name: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-${name}` },
    body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'berth.compat': t.run }, ...body },
  });
  return (r.body as { Id: string }).Id;
}

async function hostsOf(id: string): Promise<string> {
  const r = await t.docker(['exec', id, 'cat', '/etc/hosts']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('network connect and disconnect', () => {
  it('changes a created container\'s networks; the start applies them (docker-compose\'s way)', async () => {
    const net = await createNetwork('app');
    const web = await create('web');
    await t.ok('POST', '/networks/bridge/disconnect', { body: { Container: web } });
    await t.ok('POST', `/networks/${net.name}/connect`, { body: { Container: web, EndpointConfig: { Aliases: ['frontend'] } } });
    const before = await inspect(web);
    assert.deepEqual(Object.keys(before.NetworkSettings.Networks), [net.name]);
    assert.ok(before.NetworkSettings.Networks[net.name]!.Aliases?.includes('frontend'));

    await t.ok('POST', `/containers/${web}/start`);
    const running = await inspect(web);
    assert.deepEqual(Object.keys(running.NetworkSettings.Networks), [net.name]);
    const ip = running.NetworkSettings.Networks[net.name]!.IPAddress;
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(await hostsOf(web), new RegExp(`^${ip.replaceAll('.', '\\.')}\\s+${running.Config.Hostname}`, 'm'));

    // Another container of the network reaches it by its alias.
    const client = await create('client', { Cmd: ['ping', '-c1', '-W3', 'frontend'], HostConfig: { NetworkMode: net.name } });
    await t.ok('POST', `/containers/${client}/start`);
    const done = (await t.ok('POST', `/containers/${client}/wait`)).body as { StatusCode: number };
    assert.equal(done.StatusCode, 0);
  });

  it('refuses to disconnect a created container from a network it is not on', async () => {
    const id = await create('loner');
    await t.ok('POST', '/networks/bridge/disconnect', { body: { Container: id } });
    const r = await t.api('POST', '/networks/bridge/disconnect', { body: { Container: id } });
    assert.ok(r.status >= 400, r.text);
    assert.match(r.text, /is not connected to/);
  });

  it('keeps a connect made while stopped across the next start', async () => {
    const net = await createNetwork('later');
    const id = await create('later');
    await t.ok('POST', `/networks/${net.name}/connect`, { body: { Container: id } });
    await t.ok('POST', `/containers/${id}/start`);
    const s = await inspect(id);
    assert.deepEqual(Object.keys(s.NetworkSettings.Networks).sort(), ['bridge', net.name].sort());
    assert.notEqual(s.NetworkSettings.Networks[net.name]!.IPAddress, '');
  });

  it('connects a running container with a fixed address and aliases, and /etc/hosts follows', async () => {
    const net = await createNetwork('fixed', { subnet: true });
    const id = await create('runner');
    await t.ok('POST', `/containers/${id}/start`);
    const address = `${net.prefix}.77`;
    await t.ok('POST', `/networks/${net.name}/connect`, {
      body: { Container: id, EndpointConfig: { IPAMConfig: { IPv4Address: address }, Aliases: ['fixed-alias'] } },
    });
    const ep = (await inspect(id)).NetworkSettings.Networks[net.name]!;
    assert.equal(ep.IPAddress, address);
    assert.deepEqual(ep.IPAMConfig, { IPv4Address: address });
    assert.ok(ep.Aliases?.includes('fixed-alias'));
    const addr = address.replaceAll('.', '\\.');
    assert.match(await hostsOf(id), new RegExp(`^${addr}\\s`, 'm'));
    const again = await t.api('POST', `/networks/${net.name}/connect`, { body: { Container: id } });
    assert.ok(again.status >= 400, 'a second connect to the same network is refused');

    await t.ok('POST', `/networks/${net.name}/disconnect`, { body: { Container: id } });
    assert.equal((await inspect(id)).NetworkSettings.Networks[net.name], undefined);
    assert.doesNotMatch(await hostsOf(id), new RegExp(`^${addr}\\s`, 'm'));
  });

  it('takes a MAC address at connect and at create', async () => {
    const net = await createNetwork('mac');
    const id = await create('mac', { MacAddress: '02:42:ac:11:ff:01', HostConfig: { NetworkMode: net.name } });
    await t.ok('POST', `/containers/${id}/start`);
    assert.equal((await inspect(id)).NetworkSettings.Networks[net.name]!.MacAddress, '02:42:ac:11:ff:01');
    const other = await createNetwork('mac2');
    const r = await t.api('POST', `/networks/${other.name}/connect`, { body: { Container: id, EndpointConfig: { MacAddress: '02:42:ac:11:ff:02' } } });
    assert.equal(r.status, 200, r.text);
  });

  it('refuses aliases and fixed addresses on the default bridge', async () => {
    const id = await create('aliased');
    await t.ok('POST', '/networks/bridge/disconnect', { body: { Container: id } });
    const alias = await t.api('POST', '/networks/bridge/connect', { body: { Container: id, EndpointConfig: { Aliases: ['x'] } } });
    assert.equal(alias.status, 400, alias.text);
    assert.match(alias.text, /network-scoped alias is supported only for containers in user defined networks/);
  });
});

describe('ps --filter network=', () => {
  it('sees networks connected to and disconnected from a running container', async () => {
    const net = await createNetwork('psf');
    const id = await create('psf');
    await t.ok('POST', `/containers/${id}/start`);
    const listed = async (): Promise<boolean> => {
      const r = await t.ok('GET', '/containers/json', { filters: { network: [net.name], label: [t.label] } });
      return (r.body as { Id: string }[]).some((c) => c.Id === id);
    };
    assert.equal(await listed(), false);
    await t.ok('POST', `/networks/${net.name}/connect`, { body: { Container: id } });
    assert.equal(await listed(), true);
    await t.ok('POST', `/networks/${net.name}/disconnect`, { body: { Container: id } });
    assert.equal(await listed(), false);
  });
});

describe('aliases for API < 1.44 clients', () => {
  it('lists the short ID among a user network\'s aliases, none on the default bridge', async () => {
    const net = await createNetwork('alias');
    const onNet = await create('alias-user', { HostConfig: { NetworkMode: net.name } });
    const onBridge = await create('alias-bridge');
    await t.ok('POST', `/containers/${onNet}/start`);
    await t.ok('POST', `/containers/${onBridge}/start`);
    process.env.DOCKER_API_VERSION = '1.41';
    try {
      const user = await t.docker(['inspect', '--format', `{{json (index .NetworkSettings.Networks "${net.name}").Aliases}}`, onNet]);
      assert.equal(user.code, 0, user.stderr);
      assert.ok((JSON.parse(user.stdout) as string[]).includes(onNet.slice(0, 12)), user.stdout);
      const bridge = await t.docker(['inspect', '--format', '{{json .NetworkSettings.Networks.bridge.Aliases}}', onBridge]);
      assert.equal(bridge.stdout.trim(), 'null');
    } finally {
      delete process.env.DOCKER_API_VERSION;
    }
  });
});

describe('network names and inspect', () => {
  it('accepts a name with spaces and finds it by that name', async () => {
    const r = await t.api('POST', '/networks/create', { body: { Name: `${t.run} with spaces`, Labels: { 'berth.compat': t.run } } });
    assert.equal(r.status, 201, r.text);
    const got = await t.ok('GET', `/networks/${encodeURIComponent(`${t.run} with spaces`)}`);
    assert.equal((got.body as { Name: string }).Name, `${t.run} with spaces`);
  });

  it('shows {} for options asked as null or empty, and no null in IPAM config entries', async () => {
    // docker-py sends the fields it was not given as null.
    const net = await createNetwork('shapes', {
      subnet: true,
      body: (prefix) => ({
        Options: null,
        IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: `${prefix}.0/24`, IPRange: null, Gateway: null, AuxiliaryAddresses: null }] },
      }),
    });
    const n = (await t.ok('GET', `/networks/${net.name}`)).body as {
      Options: unknown; IPAM: { Options: unknown; Config: Record<string, unknown>[] }; Containers: unknown; Labels: unknown;
    };
    assert.deepEqual(n.Options, {});
    assert.deepEqual(n.IPAM.Options, {});
    assert.deepEqual(n.Containers, {});
    for (const entry of n.IPAM.Config) for (const v of Object.values(entry)) assert.notEqual(v, null);
  });
});
