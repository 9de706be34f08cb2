// --blkio-weight-device, --device-{read,write}-{bps,iops}, --gpus and --add-host: docker's value
// formats and messages, and where they land in the create request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../../src/cli/flags/parse-args.js';
import { CONTAINER_FLAGS, RUN_ONLY_FLAGS } from '../../../../src/cli/container-options/container-flags.js';
import { buildCreatePlan } from '../../../../src/cli/container-options/to-api.js';
import { parseThrottleBps, parseThrottleIops, parseWeightDevice } from '../../../../src/cli/container-options/blkio-spec.js';
import { parseGpuRequest } from '../../../../src/cli/container-options/gpu-request.js';
import { parseExtraHost } from '../../../../src/cli/container-options/extra-host.js';

function hostConfig(argv: string[]): Record<string, unknown> {
  const p = parseArgs(argv, [...CONTAINER_FLAGS, ...RUN_ONLY_FLAGS], { interspersed: false });
  return buildCreatePlan(p.values, p.set, p.args, { readFile: () => '', env: {} }).body.HostConfig as Record<string, unknown>;
}

describe('block IO device flags', () => {
  it('parse docker formats', () => {
    assert.deepEqual(parseWeightDevice('/dev/sda:200'), { Path: '/dev/sda', Weight: 200 });
    assert.deepEqual(parseThrottleBps('/dev/sda:1mb'), { Path: '/dev/sda', Rate: 1048576 });
    assert.deepEqual(parseThrottleBps('/dev/sda:512'), { Path: '/dev/sda', Rate: 512 });
    assert.deepEqual(parseThrottleIops('/dev/sda:1000'), { Path: '/dev/sda', Rate: 1000 });
  });
  it('refuse bad values with docker messages', () => {
    assert.throws(() => parseWeightDevice('/dev/sda'), /^Error: bad format: \/dev\/sda$/);
    assert.throws(() => parseWeightDevice('sda:200'), /bad format for device path: sda:200/);
    assert.throws(() => parseWeightDevice('/dev/sda:5'), /invalid weight for device: \/dev\/sda:5/);
    assert.throws(() => parseThrottleBps('/dev/sda:lots'), /invalid rate for device: \/dev\/sda:lots\. The correct format is <device-path>:<number>\[<unit>\]/);
    assert.throws(() => parseThrottleIops('/dev/sda:1k'), /invalid rate for device: \/dev\/sda:1k\. The correct format is <device-path>:<number>\. Number/);
  });
  it('map to HostConfig', () => {
    const hc = hostConfig(['--device-read-bps', '/dev/sda:1kb', '--device-write-bps', '/dev/sda:2kb', '--device-read-iops', '/dev/sda:10',
      '--device-write-iops', '/dev/sda:20', '--blkio-weight-device', '/dev/sda:300', 'busybox']);
    assert.deepEqual(hc.BlkioDeviceReadBps, [{ Path: '/dev/sda', Rate: 1024 }]);
    assert.deepEqual(hc.BlkioDeviceWriteBps, [{ Path: '/dev/sda', Rate: 2048 }]);
    assert.deepEqual(hc.BlkioDeviceReadIOps, [{ Path: '/dev/sda', Rate: 10 }]);
    assert.deepEqual(hc.BlkioDeviceWriteIOps, [{ Path: '/dev/sda', Rate: 20 }]);
    assert.deepEqual(hc.BlkioWeightDevice, [{ Path: '/dev/sda', Weight: 300 }]);
  });
  it('a bad value is a flag error', () => {
    assert.throws(() => hostConfig(['--device-read-bps', 'nope', 'busybox']), /invalid argument "nope" for "--device-read-bps" flag: bad format: nope/);
  });
});

describe('--gpus', () => {
  it('parses docker forms', () => {
    assert.deepEqual(parseGpuRequest('all'), { Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']], Options: {} });
    assert.deepEqual(parseGpuRequest('2').Count, 2);
    assert.deepEqual(parseGpuRequest('"device=0,1"'), { Driver: '', Count: 0, DeviceIDs: ['0', '1'], Capabilities: [['gpu']], Options: {} });
    assert.deepEqual(parseGpuRequest('driver=nvidia,count=all,capabilities=utility'),
      { Driver: 'nvidia', Count: -1, DeviceIDs: null, Capabilities: [['utility', 'gpu']], Options: {} });
    assert.throws(() => parseGpuRequest('count=1,count=2'), /gpu request key 'count' can be specified only once/);
    assert.throws(() => parseGpuRequest('colour=red'), /unexpected key 'colour' in 'colour=red'/);
  });
  it('lands in DeviceRequests', () => {
    assert.deepEqual(hostConfig(['--gpus', 'all', 'busybox']).DeviceRequests, [{ Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']], Options: {} }]);
  });
});

describe('--add-host', () => {
  it('takes host:ip, host=ip, brackets and host-gateway; sends host:ip', () => {
    assert.equal(parseExtraHost('gw:10.0.0.1'), 'gw:10.0.0.1');
    assert.equal(parseExtraHost('gw=::1'), 'gw:::1');
    assert.equal(parseExtraHost('gw=[fd00::1]'), 'gw:fd00::1');
    assert.equal(parseExtraHost('h:host-gateway'), 'h:host-gateway');
    assert.throws(() => parseExtraHost('nohost'), /bad format for add-host: "nohost"/);
    assert.throws(() => parseExtraHost('h:not-an-ip'), /invalid IP address in add-host: "not-an-ip"/);
  });
});
