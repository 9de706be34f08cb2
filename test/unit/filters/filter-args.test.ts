import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FilterArgs } from '../../../src/filters/mod.js';
import { InvalidArgumentError } from '../../../src/errors.js';

describe('FilterArgs.parse', () => {
  it('reads both JSON forms and treats empty as no filter', () => {
    assert.deepEqual(FilterArgs.parse('{"label":["a=b","c"]}').get('label'), ['a=b', 'c']);
    assert.deepEqual(FilterArgs.parse('{"label":{"a=b":true,"c":false}}').get('label'), ['a=b']);
    assert.equal(FilterArgs.parse('').size, 0);
    assert.equal(FilterArgs.parse(null).size, 0);
    assert.deepEqual(FilterArgs.parse('{"x":["1","1"]}').get('x'), ['1']);
  });

  it('refuses what is neither form with docker\'s bare "invalid filter"', () => {
    for (const raw of ['{', '[1]', '"x"', '{"a":"b"}', '{"a":[1]}', '{"a":{"b":"yes"}}']) {
      assert.throws(() => FilterArgs.parse(raw), (e) => e instanceof InvalidArgumentError && e.message === 'invalid filter', raw);
    }
  });
});

describe('FilterArgs matching', () => {
  const f = FilterArgs.of({ label: ['team=db', 'tier'], name: ['^web-\\d+$'], id: ['abc'], dangling: ['true'] });

  it('validates keys against the endpoint\'s set', () => {
    assert.throws(() => f.validate(['label']), (e) => e instanceof InvalidArgumentError && e.message === "invalid filter 'name'");
    assert.equal(f.validate(['label', 'name', 'id', 'dangling']), f);
  });

  it('matches every label value (AND), k and k=v', () => {
    assert.equal(f.labels('label', { team: 'db', tier: '' }), true);
    assert.equal(f.labels('label', { team: 'db' }), false);
    assert.equal(f.labels('label', { team: 'web', tier: 'x' }), false);
    assert.equal(f.labels('label', {}), false);
    assert.equal(f.labels('nope', {}), true);
  });

  it('label! keeps out only what matches all of its values; label must all match', () => {
    const p = FilterArgs.of({ label: ['keep'], 'label!': ['a', 'b'] });
    assert.equal(p.labelsAndNot({ keep: '', a: '' }), true);
    assert.equal(p.labelsAndNot({ keep: '', a: '', b: '' }), false);
    assert.equal(p.labelsAndNot({ a: '' }), false);
    assert.equal(FilterArgs.empty().labelsAndNot(null), true);
  });

  it('regexp, prefix and exact matching', () => {
    assert.equal(f.regexp('name', 'web-12'), true);
    assert.equal(f.regexp('name', 'web-x'), false);
    assert.equal(f.regexp('id', 'xxabcxx'), true); // unanchored, like Go's MatchString
    assert.equal(FilterArgs.of({ name: ['('] }).regexp('name', '('), true); // exact before a bad regexp
    assert.equal(FilterArgs.of({ name: ['('] }).regexp('name', 'x'), false);
    assert.equal(FilterArgs.of({ container: ['ab'] }).prefix('container', 'abcdef'), true);
    assert.equal(FilterArgs.of({ container: ['ab'] }).prefix('container', 'xab'), false);
    assert.equal(f.exact('absent', 'anything'), true);
  });

  it('booleans: true/1, false/0, default when absent, invalid otherwise', () => {
    assert.equal(f.bool('dangling', false), true);
    assert.equal(FilterArgs.of({ d: ['0'] }).bool('d', true), false);
    assert.equal(FilterArgs.empty().bool('d', true), true);
    assert.throws(() => FilterArgs.of({ d: ['yes'] }).bool('d', true), { message: "invalid filter 'd=[yes]'" });
    assert.throws(() => FilterArgs.of({ d: ['true', 'false'] }).bool('d', true), InvalidArgumentError);
    assert.throws(() => FilterArgs.of({ d: [] }).bool('d', true), { message: "invalid filter 'd'" });
  });

  it('with() adds a value without changing the original', () => {
    const g = FilterArgs.empty().with('all', 'true');
    assert.deepEqual(g.get('all'), ['true']);
    assert.equal(FilterArgs.empty().has('all'), false);
  });
});
