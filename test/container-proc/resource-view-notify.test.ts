// The seccomp rules that send sysinfo and sched_getaffinity to the container's agent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSeccompProfile } from '../../src/runtime/seccomp/default-profile.js';
import { seccompProfileToOci } from '../../src/runtime/seccomp/profile-to-oci.js';
import { withResourceViewNotify } from '../../src/runtime/seccomp/resource-view-notify.js';
import type { LinuxSeccomp } from '../../src/runtime/spec/runtime-spec.js';

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
