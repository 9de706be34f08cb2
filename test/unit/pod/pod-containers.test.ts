// A member's create request joined to the infra container, the pod's status from its containers',
// and the --share parsing: pure rules, no daemon.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memberRequest, podContainers, POD_LABEL } from '../../../src/pod/pod-containers.js';
import { parseShare } from '../../../src/pod/pod-options.js';
import { podStatus } from '../../../src/pod/pod-view.js';
import type { PodRecord } from '../../../src/pod/pod-record.js';
import type { ContainerRecord } from '../../../src/container/container-record.js';

const pod: PodRecord = {
  id: 'a'.repeat(64), name: 'p', created: '2026-01-01T00:00:00Z', infraName: 'aaaaaaaaaaaa-infra', infraId: 'f'.repeat(64),
  labels: {}, hostname: 'p', share: ['net', 'ipc'], infraImage: 'busybox:latest', infraCommand: ['sleep', '1'],
};

const ctr = (id: string, status: ContainerRecord['state']['Status'], labels: Record<string, string>, created = '2026-01-01T00:00:01Z'): ContainerRecord =>
  ({ id, name: `/${id}`, created, config: { Labels: labels }, hostConfig: {}, state: { Status: status } }) as unknown as ContainerRecord;

describe('pod containers', () => {
  it('joins the infra container for network and the shared namespaces, and labels the member', () => {
    const r = memberRequest(pod, { Image: 'busybox', Labels: { a: 'b' }, HostConfig: { NetworkMode: 'default' }, NetworkingConfig: { EndpointsConfig: {} } });
    assert.equal(r.HostConfig?.NetworkMode, `container:${pod.infraId}`);
    assert.equal(r.HostConfig?.IpcMode, `container:${pod.infraId}`);
    assert.equal(r.HostConfig?.PidMode, undefined);
    assert.deepEqual(r.Labels, { a: 'b', [POD_LABEL]: 'p' });
    assert.equal(r.NetworkingConfig, undefined);
  });

  it('refuses ports and networks of its own', () => {
    assert.throws(() => memberRequest(pod, { HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '80' }] } } }), /published ports belong to the pod p/);
    assert.throws(() => memberRequest(pod, { HostConfig: { PublishAllPorts: true } }), /published ports/);
    assert.throws(() => memberRequest(pod, { HostConfig: { NetworkMode: 'host' } }), /networks belong/);
    assert.throws(() => memberRequest(pod, { NetworkingConfig: { EndpointsConfig: { front: {} } } }), /networks belong/);
  });

  it('finds the infra container and the members by label, in creation order', () => {
    const all = [
      ctr('m2', 'running', { [POD_LABEL]: 'p' }, '2026-01-01T00:00:03Z'),
      ctr(pod.infraId, 'running', { [POD_LABEL]: 'p', 'io.berth.pod.infra': 'true' }),
      ctr('m1', 'exited', { [POD_LABEL]: 'p' }, '2026-01-01T00:00:02Z'),
      ctr('other', 'running', { [POD_LABEL]: 'q' }),
    ];
    const m = podContainers(pod, all);
    assert.equal(m.infra?.id, pod.infraId);
    assert.deepEqual(m.members.map((c) => c.id), ['m1', 'm2']);
    assert.equal(podStatus(m), 'Degraded');
    assert.equal(podStatus({ members: [] }), 'Created');
    assert.equal(podStatus({ infra: all[1]!, members: [all[0]!] }), 'Running');
    assert.equal(podStatus({ members: [all[2]!, ctr('c', 'created', {})] }), 'Exited');
  });

  it('parses --share: net always, uts follows net, others refused', () => {
    assert.deepEqual(parseShare(undefined), ['net', 'ipc']);
    assert.deepEqual(parseShare(['pid']), ['net', 'pid']);
    assert.deepEqual(parseShare(['ipc,uts,net']), ['net', 'ipc']);
    assert.throws(() => parseShare(['cgroup']), /invalid kernel namespace to share: cgroup/);
  });
});
