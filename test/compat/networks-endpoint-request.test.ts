// A running container's NetworkSettings.Networks show what the endpoint was asked for at create:
// IPAMConfig.LinkLocalIPs and DriverOpts, on the default bridge too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container } from './raw-stream.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('endpoint settings requested at create', () => {
  it('LinkLocalIPs and DriverOpts are shown once running', async () => {
    const id = await container(t, 'req', {
      Cmd: ['sleep', '300'],
      HostConfig: { NetworkMode: 'bridge' },
      NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { LinkLocalIPs: ['169.254.8.8'] }, DriverOpts: { 'com.example.setting': 'on' } } } },
    });
    const c = (await t.ok('GET', `/containers/${id}/json`)).body as { NetworkSettings: { Networks: Record<string, { IPAMConfig: { LinkLocalIPs?: string[] } | null; DriverOpts: Record<string, string> | null; IPAddress: string }> } };
    const ep = c.NetworkSettings.Networks.bridge!;
    assert.deepEqual(ep.IPAMConfig?.LinkLocalIPs, ['169.254.8.8']);
    assert.deepEqual(ep.DriverOpts, { 'com.example.setting': 'on' });
    assert.notEqual(ep.IPAddress, '');
  });
});
