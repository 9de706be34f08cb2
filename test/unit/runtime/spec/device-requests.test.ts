import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkDeviceRequests } from '../../../../src/runtime/spec/device-requests.js';
import { InvalidArgumentError } from '../../../../src/errors.js';

describe('device requests (--gpus)', () => {
  it('none is fine', () => {
    checkDeviceRequests(undefined);
    checkDeviceRequests([]);
  });
  it('any request is refused with dockerd\'s text when no driver exists', () => {
    assert.throws(() => checkDeviceRequests([{ Driver: '', Count: -1, Capabilities: [['gpu']] }]),
      (err: unknown) => err instanceof InvalidArgumentError && err.message === 'could not select device driver "" with capabilities: [[gpu]]');
    assert.throws(() => checkDeviceRequests([{ Driver: 'nvidia', Capabilities: [['utility', 'gpu']] }]), /device driver "nvidia" with capabilities: \[\[utility gpu\]\]/);
  });
});
