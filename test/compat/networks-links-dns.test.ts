// Links on a user-defined network: the link's alias resolves, through the network's DNS, to the
// linked container, for the container that has the link only; inspect shows the link as given.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container, createExec } from './raw-stream.js';

let t: CompatTarget;
let net: string;
before(async () => {
  t = await CompatTarget.open();
  net = `${t.run}-net`;
  await t.ok('POST', '/networks/create', { body: { Name: net, Labels: { 'berth.compat': t.run } } });
});
after(() => t.close());

async function execCode(id: string, cmd: string[]): Promise<number> {
  const ex = await createExec(t, id, { Cmd: cmd });
  await t.ok('POST', `/exec/${ex}/start`, { body: { Detach: false, Tty: false } });
  return ((await t.ok('GET', `/exec/${ex}/json`)).body as { ExitCode: number }).ExitCode;
}

describe('links on a user-defined network', () => {
  it("the alias resolves for the linking container, not for others", async () => {
    const up = `${t.run}-up`;
    const linker = await container(t, 'linker', {
      Cmd: ['sleep', '300'],
      HostConfig: { NetworkMode: net },
      NetworkingConfig: { EndpointsConfig: { [net]: { Links: [`${up}:bar`] } } },
    });
    const c = (await t.ok('GET', `/containers/${linker}/json`)).body as { NetworkSettings: { Networks: Record<string, { Links: string[] | null }> } };
    assert.deepEqual(c.NetworkSettings.Networks[net]!.Links, [`${up}:bar`]);
    await container(t, 'up', { Cmd: ['sleep', '300'], HostConfig: { NetworkMode: net } });
    const other = await container(t, 'other', { Cmd: ['sleep', '300'], HostConfig: { NetworkMode: net } });
    assert.equal(await execCode(linker, ['nslookup', 'bar']), 0);
    assert.equal(await execCode(linker, ['nslookup', up]), 0);
    assert.notEqual(await execCode(other, ['nslookup', 'bar']), 0);
  });
});
