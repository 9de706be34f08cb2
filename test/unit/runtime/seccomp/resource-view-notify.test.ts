// The seccomp rules that send sysinfo and sched_getaffinity to the container's agent.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSeccompProfile } from '../../../../src/runtime/seccomp/default-profile.js';
import { seccompProfileToOci } from '../../../../src/runtime/seccomp/profile-to-oci.js';
import { withResourceViewNotify } from '../../../../src/runtime/seccomp/resource-view-notify.js';
import { generateSpec } from '../../../../src/runtime/spec/generate-spec.js';
import type { LinuxSeccomp } from '../../../../src/runtime/spec/runtime-spec.js';
import type { SpecHostConfig } from '../../../../src/runtime/spec/spec-input.js';
import { fakeHost } from '../../../integration/runtime/fake-host.js';

describe('withResourceViewNotify', () => {
  const base = seccompProfileToOci(defaultSeccompProfile(), { capabilities: [], arch: 'amd64', kernel: '6.1.0' });

  it('moves the calls from the allow rules to one notify rule, with the listener', () => {
    const out = withResourceViewNotify(base, '/run/berth/seccomp/x.sock')!;
    assert.equal(out.listenerPath, '/run/berth/seccomp/x.sock');
    const rulesOf = (name: string) => out.syscalls!.filter((r) => r.names.includes(name));
    for (const name of ['sysinfo', 'sched_getaffinity']) {
      assert.deepEqual(rulesOf(name).map((r) => r.action), ['SCMP_ACT_NOTIFY']);
    }
    assert.ok(rulesOf('read').some((r) => r.action === 'SCMP_ACT_ALLOW'));
    assert.equal(out.defaultAction, base.defaultAction);
    assert.ok(base.syscalls!.some((r) => r.names.includes('sysinfo') && r.action === 'SCMP_ACT_ALLOW'), 'the input is left as it was');
  });

  it('leaves a profile that does not allow the calls alone', () => {
    const denying: LinuxSeccomp = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['sysinfo'], action: 'SCMP_ACT_ERRNO' }],
    };
    assert.equal(withResourceViewNotify(denying, '/s'), undefined);
    const partly = withResourceViewNotify({ ...denying, syscalls: [...denying.syscalls!, { names: ['sched_getaffinity'], action: 'SCMP_ACT_ALLOW' }] }, '/s')!;
    assert.deepEqual(partly.syscalls!.map((r) => [r.names, r.action]), [
      [['read', 'write'], 'SCMP_ACT_ALLOW'],
      [['sysinfo'], 'SCMP_ACT_ERRNO'],
      [['sched_getaffinity'], 'SCMP_ACT_NOTIFY'],
    ]);
  });
});

describe('generateSpec with a seccomp listener', () => {
  const rootfs = mkdtempSync(join(tmpdir(), 'berth-rv-'));
  after(() => rmSync(rootfs, { recursive: true, force: true }));
  const listener = '/run/berth/seccomp/abc.sock';
  const seccompOf = async (hostConfig: SpecHostConfig, seccompListener: string | null = listener) => {
    const lxcfs = { mountPoint: join(rootfs, 'no-lxcfs'), ...(seccompListener ? { seccompListener } : {}) };
    const { spec } = await generateSpec({ id: 'a'.repeat(64), rootfs, cgroupsPath: '/berth/a', config: { Cmd: ['sh'] }, hostConfig, lxcfs }, fakeHost());
    return spec.linux?.seccomp;
  };

  it('sends the calls to the listener with docker\'s default profile only', async () => {
    const def = await seccompOf({});
    assert.equal(def?.listenerPath, listener);
    assert.ok(def?.syscalls?.some((r) => r.action === 'SCMP_ACT_NOTIFY' && r.names.includes('sysinfo')));
    assert.equal((await seccompOf({}, null))?.listenerPath, undefined);
    assert.equal(await seccompOf({ SecurityOpt: ['seccomp=unconfined'] }), undefined);
    assert.equal(await seccompOf({ Privileged: true }), undefined);
    const custom = await seccompOf({ SecurityOpt: [`seccomp=${JSON.stringify(defaultSeccompProfile())}`] });
    assert.equal(custom?.listenerPath, undefined);
    assert.ok(!custom?.syscalls?.some((r) => r.action === 'SCMP_ACT_NOTIFY'));
  });
});
