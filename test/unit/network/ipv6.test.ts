import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/errors.js';
import { cidr6Contains, cidr6Last, cidr6Overlaps, formatIPv6, ip6FromArpa, parseCidr6, parseIPv6 } from '../../../src/network/ipv6.js';
import { subnet6Choice } from '../../../src/network/subnet-allocator.js';

describe('ipv6', () => {
  it('parses and formats addresses in the canonical form', () => {
    for (const [text, canon] of [['fd00:77:0:0:0:0:0:2', 'fd00:77::2'], ['::1', '::1'], ['::', '::'], ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['FD00::', 'fd00::'], ['::ffff:1.2.3.4', '::ffff:102:304'], ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0']]) {
      assert.equal(formatIPv6(parseIPv6(text!)), canon);
    }
    assert.throws(() => parseIPv6('10.0.0.1'), InvalidArgumentError);
  });

  it('parses blocks, refusing host bits unless loose', () => {
    const c = parseCidr6('fd00:1::/64');
    assert.ok(cidr6Contains(c, parseIPv6('fd00:1::99')));
    assert.ok(!cidr6Contains(c, parseIPv6('fd00:2::1')));
    assert.equal(formatIPv6(cidr6Last(c)), 'fd00:1::ffff:ffff:ffff:ffff');
    assert.throws(() => parseCidr6('fd00::1/64'), InvalidArgumentError);
    assert.ok(cidr6Overlaps(parseCidr6('fd00::1/64', true), parseCidr6('fd00::/48')));
  });

  it('reads nibble-form PTR names', () => {
    const name = `${'2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.7.0.0.0.0.0.0.0.0.d.f'}.ip6.arpa`;
    assert.equal(ip6FromArpa(name), 'fd00:0:77::2');
    assert.equal(ip6FromArpa('1.0.0.127.in-addr.arpa'), undefined);
  });

  it('checks a requested v6 subnet, gateway and range', () => {
    assert.deepEqual(subnet6Choice({ Subnet: 'fd00:5::/64' }, []), { subnet: 'fd00:5::/64', gateway: 'fd00:5::1', ipRange: null });
    assert.throws(() => subnet6Choice({ Subnet: 'fd00:5::/64' }, ['fd00:5::/48']), /Pool overlaps/);
    assert.throws(() => subnet6Choice({ Subnet: 'fd00:5::/64', Gateway: 'fd00:6::1' }, []), /no matching subnet for gateway/);
    assert.equal(subnet6Choice({ Subnet: 'fd00:5::/64', IPRange: 'fd00:5::100/120' }, []).ipRange, 'fd00:5::100/120');
  });
});
