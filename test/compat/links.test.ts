// Legacy links on the default bridge as docker clients see them: the <ALIAS>_* variables, the
// /etc/hosts line, HostConfig.Links in docker's stored form, and DELETE …?link=1 with its errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

async function create(name: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await t.ok('POST', '/containers/create', {
    query: { name: `${t.run}-${name}` },
    body: { Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'berth.compat': t.run }, ...body },
  });
  return (r.body as { Id: string }).Id;
}

type Inspect = { Name: string; HostConfig: { Links: string[] | null }; Config: { Hostname: string }; NetworkSettings: { Networks: Record<string, { IPAddress: string }> } };
const inspect = async (id: string): Promise<Inspect> => (await t.ok('GET', `/containers/${id}/json`)).body as Inspect;

describe('legacy links', () => {
  let child = '';
  let childIp = '';
  let childName = '';
  before(async () => {
    child = await create('db', { Env: ['FOO=bar', 'SPACED=a b'], ExposedPorts: { '6379/tcp': {}, '8000/tcp': {}, '8001/tcp': {} } });
    await t.ok('POST', `/containers/${child}/start`);
    const c = await inspect(child);
    childIp = c.NetworkSettings.Networks.bridge!.IPAddress;
    childName = c.Name;
  });

  it('gives the linking container docker\'s variables and hosts line', async () => {
    const parent = await create('env', { Cmd: ['sh', '-c', 'env; echo ---; cat /etc/hosts'], HostConfig: { Links: [`${childName.slice(1)}:db`] } });
    await t.ok('POST', `/containers/${parent}/start`);
    await t.ok('POST', `/containers/${parent}/wait`);
    const out = await t.docker(['logs', parent]);
    assert.equal(out.code, 0, out.stderr);
    const [envText, hosts] = out.stdout.split('---\n');
    const env = new Set(envText!.split('\n'));
    const name = `/${t.run}-env/db`;
    for (const v of [
      `DB_NAME=${name}`,
      `DB_PORT=tcp://${childIp}:6379`,
      `DB_PORT_6379_TCP=tcp://${childIp}:6379`,
      `DB_PORT_6379_TCP_ADDR=${childIp}`,
      `DB_PORT_6379_TCP_PORT=6379`,
      'DB_PORT_6379_TCP_PROTO=tcp',
      // (the _START/_END variables of port runs came after docker 20.10: not asserted)
      `DB_PORT_8000_TCP=tcp://${childIp}:8000`,
      `DB_PORT_8001_TCP_ADDR=${childIp}`,
      'DB_ENV_FOO=bar',
      'DB_ENV_SPACED=a b',
    ]) assert.ok(env.has(v), `missing ${v} in\n${envText}`);
    assert.ok(![...env].some((v) => v.startsWith('DB_ENV_PATH=')), 'PATH is not passed on');
    const host = (await inspect(child)).Config.Hostname;
    assert.match(hosts!, new RegExp(`^${childIp.replaceAll('.', '\\.')}\\tdb ${host} ${childName.slice(1)}$`, 'm'));
  });

  it('shows HostConfig.Links as /child:/parent/alias', async () => {
    const parent = await create('shown', { HostConfig: { Links: [`${childName.slice(1)}:cache`, childName.slice(1)] } });
    assert.deepEqual((await inspect(parent)).HostConfig.Links, [`${childName}:/${t.run}-shown/cache`, `${childName}:/${t.run}-shown/${t.run}-db`]);
  });

  it('removes a link with DELETE …?link=1, with docker\'s errors for what is no link', async () => {
    const parent = await create('unlink', { HostConfig: { Links: [`${childName.slice(1)}:db`] } });
    const name = `${t.run}-unlink`;
    assert.equal((await t.api('DELETE', `/containers/${name}/db`, { query: { link: '1' } })).status, 204);
    assert.equal((await inspect(parent)).HostConfig.Links, null);
    const again = await t.api('DELETE', `/containers/${name}/db`, { query: { link: '1' } });
    assert.equal(again.status, 404);
    assert.match(again.text, new RegExp(`No such container: ${name}/db`));
    const own = await t.api('DELETE', `/containers/${name}`, { query: { link: '1' } });
    assert.ok(own.status >= 400, own.text);
    assert.match(own.text, /cannot remove the default link name of the container/);
    assert.equal((await inspect(parent)).Name, `/${name}`, 'the container itself stays');
  });

  it('refuses a link to a container that does not exist, or does not run', async () => {
    const missing = await t.api('POST', '/containers/create', {
      query: { name: `${t.run}-nolink` },
      body: { Image: 'busybox:latest', Labels: { 'berth.compat': t.run }, HostConfig: { Links: [`${t.run}-nosuch:x`] } },
    });
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.text, new RegExp(`could not get container for ${t.run}-nosuch`));

    const stopped = await create('stopped');
    const parent = await create('tostopped', { HostConfig: { Links: [`${t.run}-stopped:s`] } });
    const r = await t.api('POST', `/containers/${parent}/start`);
    assert.ok(r.status >= 400, r.text);
    assert.match(r.text, new RegExp(`Cannot link to a non running container: /${t.run}-stopped AS /${t.run}-tostopped/s`));
    void stopped;
  });
});
