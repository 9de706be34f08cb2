import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FilterArgs, goDurationNs, parseTimestamp, pruneUntil, createdNotAfter } from '../../../src/filters/mod.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const NOW = new Date('2026-03-01T12:00:00.750Z');
const S = 1_000_000_000n;
const nowS = BigInt(Math.floor(NOW.getTime() / 1000));

describe('goDurationNs', () => {
  it('reads Go durations', () => {
    assert.equal(goDurationNs('24h'), 24 * 3600e9);
    assert.equal(goDurationNs('1h30m'), 5400e9);
    assert.equal(goDurationNs('1.5h'), 5400e9);
    assert.equal(goDurationNs('-10s'), -10e9);
    assert.equal(goDurationNs('500ms'), 500e6);
    assert.equal(goDurationNs('0'), 0);
  });
  it('refuses what is not one', () => {
    for (const t of ['', '24', '1d', 'h', '1h30', '2026-01-01', '.s']) assert.equal(goDurationNs(t), undefined, t);
  });
});

describe('parseTimestamp', () => {
  it('durations count back from now in whole seconds', () => {
    assert.equal(parseTimestamp('24h', NOW), (nowS - 86400n) * S);
    assert.equal(parseTimestamp('1h30m', NOW), (nowS - 5400n) * S);
  });
  it('unix seconds with a fraction', () => {
    assert.equal(parseTimestamp('1700000000', NOW), 1700000000n * S);
    assert.equal(parseTimestamp('1700000000.5', NOW), 1700000000n * S + 500_000_000n);
    assert.equal(parseTimestamp('0', NOW), 0n);
  });
  it('RFC 3339 dates and times, with or without zone', () => {
    assert.equal(parseTimestamp('2026-01-02T03:04:05Z', NOW), BigInt(Date.parse('2026-01-02T03:04:05Z')) * 1_000_000n);
    assert.equal(parseTimestamp('2026-01-02T03:04:05.25+02:00', NOW), BigInt(Date.parse('2026-01-02T01:04:05Z')) * 1_000_000n + 250_000_000n);
    const local = parseTimestamp('2026-01-02', NOW);
    assert.equal(local, BigInt(Date.parse('2026-01-02T00:00:00Z') + NOW.getTimezoneOffset() * 60_000) * 1_000_000n);
    assert.equal(parseTimestamp('2026-01-02T03', NOW) - local, 3n * 3600n * S);
  });
  it('refuses anything else', () => {
    for (const v of ['24', 'yesterday', '2026-13-45x', '1d']) {
      if (v === '24') continue; // bare digits are unix seconds
      assert.throws(() => parseTimestamp(v, NOW), InvalidArgumentError, v);
    }
  });
});

describe('pruneUntil', () => {
  it('is undefined without until, one instant with one, an error with two', () => {
    assert.equal(pruneUntil(FilterArgs.empty(), NOW), undefined);
    assert.equal(pruneUntil(FilterArgs.of({ until: ['24h'] }), NOW), (nowS - 86400n) * S);
    assert.throws(() => pruneUntil(FilterArgs.of({ until: ['1h', '2h'] }), NOW), { message: 'more than one until filter specified' });
  });
  it('keeps objects created after the bound (the container prune bug: "24h" is not NaN)', () => {
    const until = pruneUntil(FilterArgs.of({ until: ['24h'] }), NOW);
    assert.equal(createdNotAfter(new Date(NOW.getTime() - 3600_000).toISOString(), until), false);
    assert.equal(createdNotAfter(new Date(NOW.getTime() - 48 * 3600_000).toISOString(), until), true);
    assert.equal(createdNotAfter('2026-03-01T12:00:00.000000001Z', 1772366400n * S), false);
    assert.equal(createdNotAfter('2026-03-01T12:00:00Z', 1772366400n * S), true);
    assert.equal(createdNotAfter('whatever', undefined), true);
  });
});
