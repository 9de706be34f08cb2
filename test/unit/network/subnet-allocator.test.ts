// Subnet choice from the address pools and the checks of requested subnets (pure parts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError, InvalidArgumentError } from '../../../src/errors.js';
import { formatCidr, parseCidr } from '../../../src/network/ipv4.js';
import { DEFAULT_POOLS, checkSubnetFree, firstFreeSubnet, ipv4Config, subnetChoice } from '../../../src/network/subnet-allocator.js';

describe('subnet allocator', () => {
  it('takes the first free block of the pools, as docker does', () => {
    assert.equal(formatCidr(firstFreeSubnet(DEFAULT_POOLS, [])), '172.17.0.0/16');
    assert.equal(formatCidr(firstFreeSubnet(DEFAULT_POOLS, [parseCidr('172.17.0.0/16'), parseCidr('172.18.5.0/24')])), '172.19.0.0/16');
    const pools = [{ base: '10.9.0.0/23', size: 24 }];
    assert.equal(formatCidr(firstFreeSubnet(pools, [parseCidr('10.9.0.0/24')])), '10.9.1.0/24');
    assert.throws(() => firstFreeSubnet(pools, [parseCidr('10.9.0.0/23')]), ForbiddenError);
  });

  it('forces a prefix only when it fits the pool (the default bridge asks for a /16)', () => {
    const pools = [{ base: '10.9.0.0/16', size: 24 }];
    assert.equal(formatCidr(firstFreeSubnet(pools, [], 16)), '10.9.0.0/16');
    assert.equal(formatCidr(firstFreeSubnet([{ base: '10.9.0.0/23', size: 24 }], [], 16)), '10.9.0.0/24');
  });

  it('refuses a subnet overlapping a network or the host, but not a /32 outside it', () => {
    const s = parseCidr('10.5.0.0/24');
    assert.throws(() => checkSubnetFree(s, [parseCidr('10.5.0.0/16')], []), /Pool overlaps/);
    assert.throws(() => checkSubnetFree(s, [], ['10.5.0.7/32']), /the host uses 10\.5\.0\.7\/32/);
    assert.throws(() => checkSubnetFree(s, [], ['10.0.0.0/8']), ForbiddenError);
    checkSubnetFree(s, [parseCidr('10.6.0.0/24')], ['10.5.1.1/32', '192.168.1.4/24']);
  });

  it('checks gateway and ip-range against the subnet', () => {
    const s = parseCidr('10.5.0.0/24');
    assert.deepEqual(subnetChoice(s, {}), { subnet: s, gateway: s.base + 1, ipRange: null });
    assert.equal(subnetChoice(s, { Gateway: '10.5.0.254' }).gateway, s.base + 254);
    assert.equal(subnetChoice(s, { IPRange: '10.5.0.128/25' }).ipRange, '10.5.0.128/25');
    assert.throws(() => subnetChoice(s, { Gateway: '10.6.0.1' }), /no matching subnet for gateway/);
    assert.throws(() => subnetChoice(s, { IPRange: '10.5.0.0/23' }), /no matching subnet for range/);
  });

  it('keeps the one IPv4 config of a request', () => {
    assert.deepEqual(ipv4Config(null), {});
    assert.deepEqual(ipv4Config([{ Subnet: 'fd00::/64' }, { Subnet: '10.1.0.0/24' }]), { Subnet: '10.1.0.0/24' });
    assert.throws(() => ipv4Config([{ Subnet: '10.1.0.0/24' }, { Subnet: '10.2.0.0/24' }]), InvalidArgumentError);
  });
});
